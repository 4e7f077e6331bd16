import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { argoCommitMessage, gitStripspace } from '../src/argo/commitMessage.js'
import { pathMetadata, pathReadme, rootMetadata } from '../src/argo/files.js'
import { goJsonEncode } from '../src/argo/goJson.js'
import { goJsonStringValue, goRfc3339, goUrlParses } from '../src/argo/goValidate.js'
import { formatMailAddress, parseMailAddress } from '../src/argo/mailAddress.js'
import { getReferences } from '../src/argo/references.js'
import { GitCommandManager } from '../src/git/commandManager.js'
import { readDryCommit } from '../src/git/dryCommit.js'
import { argoMetadataReference, buildArgoMetadataReference } from './helpers/argoReference.js'
import { cleanupTempDirs, git, makeRepo, tempDir } from './helpers/repo.js'

/**
 * Differential tests: every file Argo CD's hydrator writes besides manifest.yaml, and the
 * commit message, compared byte for byte with test/reference/argo-metadata (Go's
 * text/template with Argo CD's template text, encoding/json, net/mail, net/url, time).
 * Debian's Go is 1.19; cases avoid the two places where newer Go, which Argo CD builds
 * with, differs: `\b`/`\f` in JSON (short escapes since 1.22, test/unit/layout.test.ts) and
 * a non-IPv6 host in brackets (refused since 1.25.2).
 */

interface Result {
  ok: boolean
  value: string
  root?: string
  path?: string
  readme?: string
  message?: string
}

let bin = ''
beforeAll(() => {
  bin = buildArgoMetadataReference()
})
afterAll(cleanupTempDirs)

const go = (cases: object[]) => argoMetadataReference<Result>(bin, cases)

const STRINGS = [
  '',
  'plain',
  'a <b> & "c" \\ d',
  'tab\there\r\nnew\nline',
  '\u0001\u001f\u007f control',
  'line\u2028sep\u2029para',
  'José — 日本語 😀',
  '</script><!-- -->',
  '\ufffd replacement'
]

describe('JSON as Go encodes it (Encoder, two-space indent, no HTML escaping)', () => {
  it('strings, arrays and objects', () => {
    const results = go(STRINGS.map(value => ({ kind: 'encode', value })))
    STRINGS.forEach((value, i) => expect(goJsonEncode(value)).toBe(results[i]?.value))
  })
})

describe('Go standard-library checks on reference trailers', () => {
  it('url.Parse accepts and refuses as Go does', () => {
    const urls = [
      'https://github.com/org/repo',
      'https://github.com/org/repo.git#frag',
      'http://user:pa%20ss@host:8080/p?q=1',
      'git@github.com:org/repo.git',
      ':missing-scheme',
      'http://host:port/',
      'http://host:80:90/',
      'http://[::1]:80/x',
      'http://[fe80::1%25en0]/',
      'http://[::1/',
      'http://ho st/',
      'http://host/%zz',
      'http://host/#%zz',
      'http://us<er@host/',
      'http://host%41/',
      'http://host%c3%a9/',
      'relative/path',
      'a:b/c',
      'rel:colon/in/first',
      './rel:colon',
      '//host/path',
      '///triple',
      'mailto:someone@example.com',
      'http://host?only=query',
      'http://host/a?',
      '*',
      '',
      'http://host/\u007f',
      'with space',
      '%41bc',
      'http://h<o>st/',
      'http://exa"mple/',
      'https://github.com/org/répo'
    ]
    const results = go(urls.map(value => ({ kind: 'url', value })))
    urls.forEach((value, i) => expect([value, goUrlParses(value)]).toEqual([value, results[i]?.ok]))
  })

  it('mail.ParseAddress and Address.String', () => {
    const addresses = [
      'Jane Doe <jane@example.com>',
      '<jane@example.com>',
      'jane@example.com',
      'jane@example.com (Jane Doe)',
      '"Doe, Jane" <jane@example.com>',
      '"J\\"D" <jane@example.com>',
      'Jane <"jane doe"@example.com>',
      'Jane <jane..doe@example.com>',
      'Jane <.jane@example.com>',
      'jane.doe.@example.com',
      'José Núñez <jose@example.com>',
      'Ünïcødé 😀 <u@example.com>',
      'Name, With Comma <a@b.c>',
      'Dr. J. Doe <jd@example.com>',
      '=?utf-8?q?J=C3=B6rg?= <j@example.com>',
      '=?utf-8?b?SsO2cmc=?= <j@example.com>',
      '=?iso-8859-1?q?J=F6rg?= <j@example.com>',
      '=?koi8-r?q?x?= <j@example.com>',
      'A =?utf-8?q?B?= =?utf-8?q?C?= <j@example.com>',
      'Name <j@example.com',
      'Name',
      'name.only',
      '',
      '   ',
      'a@b, c@d',
      'group: a@b;',
      'group: a@b, c@d;',
      'Jane (comment) <jane@example.com>',
      'jane@example.com (unclosed',
      'Jane Doe <jane@example.com> trailing',
      '<jane@[127.0.0.1]>',
      'Tab\tName <t@example.com>',
      'x'.repeat(40) + ' é ' + 'y'.repeat(40) + ' <long@example.com>',
      'Long "quoted" ' + 'é'.repeat(30) + ' <q@example.com>',
      '"José, Núñez" <j@example.com>',
      '"' + 'é'.repeat(40) + ', and (more)" <b@example.com>',
      '"ctl\\\u0001 name" <c@example.com>',
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
      'dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>'
    ]
    const results = go(addresses.map(value => ({ kind: 'mail', value })))
    addresses.forEach((value, i) => {
      const parsed = parseMailAddress(value)
      expect([value, parsed ? formatMailAddress(parsed) : undefined]).toEqual([
        value,
        results[i]?.ok ? results[i]?.value : undefined
      ])
    })
    // A reference without an author trailer holds Go's zero Address.
    expect(formatMailAddress({ name: '', address: '' })).toBe('<@>')
  })

  it('time.Parse(RFC3339) and Format in UTC', () => {
    const times = [
      '2024-01-02T03:04:05Z',
      '2024-01-02T03:04:05+00:00',
      '2024-01-02T03:04:05-00:00',
      '2024-01-02T03:04:05.123456789+05:30',
      '2024-01-02T03:04:05,5-07:00',
      '2024-01-02T3:04:05Z',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-02T24:00:00Z',
      '2024-01-02T03:60:00Z',
      '2024-01-02T03:04:60Z',
      '2024-01-02T03:04:05+01:60',
      '2024-01-02T03:04:05+24:00',
      '2024-01-02 03:04:05Z',
      '2024-01-02t03:04:05z',
      '2024-01-02T03:04:05',
      '2024-01-02T03:04:05+0100',
      '24-01-02T03:04:05Z',
      '2024-1-02T03:04:05Z',
      '2024-01-02T03:04:05.Z'
    ]
    const results = go(times.map(value => ({ kind: 'time', value })))
    times.forEach((value, i) =>
      expect([value, goRfc3339(value)]).toEqual([
        value,
        results[i]?.ok ? results[i]?.value : undefined
      ])
    )
  })

  it('json.Unmarshal into a string', () => {
    const values = [
      '"plain"',
      '"esc \\n \\t \\" \\\\ \\u00e9 \\ud83d\\ude00"',
      '"lone \\ud800 surrogate"',
      ' "spaced" ',
      'null',
      '42',
      '"unterminated',
      '{"a":1}',
      "'single'",
      '"raw\ttab"'
    ]
    const results = go(values.map(value => ({ kind: 'jsonString', value })))
    values.forEach((value, i) =>
      expect([value, goJsonStringValue(value)]).toEqual([
        value,
        results[i]?.ok ? results[i]?.value : undefined
      ])
    )
  })

  it('Argocd-reference-commit-* lines: the reference and the body without them', () => {
    const texts = [
      'no trailers\n',
      'Body.\n\nArgocd-reference-commit-author: Ref Author <ref@example.com>\nArgocd-reference-commit-sha: abcdef1\n',
      'Argocd-reference-commit-repourl: https://github.com/org/app\nArgocd-reference-commit-subject: Fix: it\nArgocd-reference-commit-body: "multi\\nline"\nArgocd-reference-commit-date: 2024-01-02T03:04:05.9+01:00\n',
      'Argocd-reference-commit-sha: ABCDEF1\nArgocd-reference-commit-sha: abc\nArgocd-reference-commit-sha:abcdef1\nArgocd-reference-commit-date: yesterday\nArgocd-reference-commit-author: nobody\nArgocd-reference-commit-body: not json\nArgocd-reference-commit-repourl: :bad\nArgocd-reference-commit-unknown: x\nargocd-reference-commit-sha: abcdef1\n',
      'Argocd-reference-commit-subject: \n',
      'Argocd-reference-commit-body: null\n',
      'crlf line\r\nArgocd-reference-commit-sha: abcdef12\r\nlast without newline',
      'Argocd-reference-commit-sha: 1111111\nArgocd-reference-commit-sha: 2222222\n',
      `short\n${'x'.repeat(65535)}\nkept\n`,
      `short\n${'x'.repeat(65536)}\ndropped\nArgocd-reference-commit-sha: abcdef1\n`,
      `${'é'.repeat(32767)}x\nafter\n`,
      ''
    ]
    const results = go(texts.map(value => ({ kind: 'references', value })))
    texts.forEach((text, i) => {
      const ours = getReferences(text)
      expect(ours.rest).toBe(results[i]?.value)
      const theirs = JSON.parse(results[i]?.root ?? 'null') as Array<{
        commit: Record<string, string>
      }> | null
      expect(
        ours.references.map(ref => ({
          commit: Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== ''))
        }))
      ).toEqual(theirs ?? [])
    })
  })
})

/** The message git stores for `git commit -m <text>`, as Argo CD's commit server commits. */
function committedMessage(text: string): string {
  const dir = tempDir('argo-commit-')
  git(dir, 'init', '-q')
  git(
    dir,
    '-c',
    'user.name=A',
    '-c',
    'user.email=a@b.c',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    text
  )
  const raw = git(dir, 'cat-file', 'commit', 'HEAD')
  return raw.slice(raw.indexOf('\n\n') + 2)
}

/** A commit with exactly this message (no cleanup) by this author. */
function commitVerbatim(dir: string, message: string, author: string, email: string): void {
  const file = path.join(tempDir('argo-message-'), 'message')
  fs.writeFileSync(file, message)
  execFileSync(
    'git',
    ['commit', '-q', '--allow-empty', '--allow-empty-message', '--cleanup=verbatim', '-F', file],
    {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: author,
        GIT_AUTHOR_EMAIL: email,
        GIT_AUTHOR_DATE: '2026-01-02T05:04:05+02:00',
        GIT_COMMITTER_DATE: '2026-01-02T05:04:05+02:00'
      }
    }
  )
}

describe('hydrator.metadata, README.md and the commit message of real dry commits', () => {
  const MESSAGES: Array<[string, string, string]> = [
    ['Bump web to 1.2', 'Test Author', 'author@example.com'],
    ['Subject\n\nBody line one.\nBody line two.\n', 'Jane <Doe>', 'jane@example.com'],
    ['  \n\nSubject after blank lines\n\n\n\nBody after three blank lines   \n\n\n', 'A', 'a@b.c'],
    ['Two-line\nsubject\n\nbody\n', 'B', 'b@c.d'],
    ['Subject with <html> & "quotes"\n\nBody <b>bold</b> & more\n', 'C', 'c@d.e'],
    ['CRLF subject\r\n\r\nCRLF body\r\n', 'D', 'd@e.f'],
    [
      'Promote app\n\nSee upstream.\n\nArgocd-reference-commit-author: Ref Author <ref@example.com>\nArgocd-reference-commit-sha: 0123456789abcdef0123456789abcdef01234567\nArgocd-reference-commit-repourl: https://github.com/org/app\nArgocd-reference-commit-subject: Fix the thing\nArgocd-reference-commit-body: "Details\\n\\nMore"\nArgocd-reference-commit-date: 2026-01-01T10:00:00+01:00\nSigned-off-by: Jane <jane@example.com>\n',
      'José Núñez',
      'jose@example.com'
    ],
    ['Only sha\n\nArgocd-reference-commit-sha: abcdef1\n', 'E', 'e@f.g'],
    [
      'Lines in the middle\n\nArgocd-reference-commit-sha: abcdef1\nnot a trailer block any more\n',
      'F',
      'f@g.h'
    ],
    ['Invalid trailer\n\nArgocd-reference-commit-author: nobody\n', 'G', 'g@h.i'],
    ['', 'Empty Message', 'empty@example.com'],
    ['# Not a comment\n\n# kept in the body\n', 'H', 'h@i.j'],
    ['Tabs\there\n\n\tindented body\n', 'I', 'i@j.k'],
    ['Unicode \u2028 separator\n\nbody \u2029 end\n', 'J', 'j@k.l']
  ]
  const COMMANDS = [[], ['helm template web charts/web --namespace web'], ['a', 'b <c> & d']]

  it('every file and the message are Argo CD’s bytes', async () => {
    const dir = makeRepo({ files: { 'README.md': 'dry\n' } })
    const cases: object[] = []
    const ours: Array<{ root: string; path: string; readme: string; message: string }> = []
    for (const [i, [message, author, email]] of MESSAGES.entries()) {
      commitVerbatim(dir, message, author, email)
      const repoURL = i % 2 === 0 ? 'https://github.com/org/dry.git' : ''
      const commands = COMMANDS[i % COMMANDS.length] as string[]
      const dry = await readDryCommit(new GitCommandManager(dir), 'HEAD', repoURL)
      const [sha, who, time] = git(dir, 'show', '-s', '--format=%H%n%an <%ae>%n%at', 'HEAD').split(
        '\n'
      )
      cases.push({
        kind: 'hydrate',
        sha,
        author: who,
        authorTime: Number(time),
        message: git(dir, 'show', '-s', '--format=%B', 'HEAD'),
        repoURL,
        commands
      })
      ours.push({
        root: rootMetadata(dry),
        path: pathMetadata(dry, commands),
        readme: pathReadme(dry, commands),
        message: argoCommitMessage(dry)
      })
    }
    const results = go(cases)
    ours.forEach((mine, i) => {
      const theirs = results[i] as Result
      expect([i, mine.root]).toEqual([i, theirs.root])
      expect([i, mine.path]).toEqual([i, theirs.path])
      expect([i, mine.readme]).toEqual([i, theirs.readme])
      expect([i, mine.message]).toEqual([i, committedMessage(theirs.message as string)])
    })
  })

  it('git stripspace is what git commit -m does to a message', () => {
    for (const text of [
      'a',
      '\n\n a \n\n\n b\t\r\n\n',
      '# comment\n\nx  \n',
      'x\n\n\n\nCo-authored-by: y\n',
      ' \t \n',
      'v\u000btab\u000c\n'
    ])
      expect(gitStripspace(text)).toBe(
        execFileSync('git', ['stripspace'], { input: text, encoding: 'utf8' })
      )
  })
})
