import { describe, expect, it } from '@jest/globals'
import { argoCommitMessage, initialCommitMessage } from '../../src/argo/commitMessage.js'
import { GITATTRIBUTES, pathMetadata, pathReadme, rootMetadata } from '../../src/argo/files.js'
import { goJsonEncode } from '../../src/argo/goJson.js'
import { dryCommitFrom, goTrimSpace, type DryCommit } from '../../src/git/dryCommit.js'

/**
 * Argo CD's files and commit message as literal bytes, written from reading its source at
 * 37ee0097 (hydratorhelper.go, hydrator.go, settings.go, util/git/client.go). The same
 * outputs are compared with a Go reference in test/argo-metadata.test.ts.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567'

const PLAIN: DryCommit = {
  sha: SHA,
  author: 'Jane Doe <jane@example.com>',
  date: '2026-01-02T03:04:05Z',
  subject: 'Bump web to 1.2',
  body: '',
  references: [],
  repoURL: 'https://github.com/org/dry'
}

const RICH: DryCommit = {
  ...PLAIN,
  subject: 'Use <b> & "c"',
  body: 'Body line\nSigned-off-by: Jane Doe <jane@example.com>\n',
  references: [
    {
      author: '"Ref Author" <ref@example.com>',
      date: '2026-01-01T10:00:00+01:00',
      subject: 'Fix',
      body: '',
      sha: 'abcdef1',
      repoUrl: 'https://github.com/org/app'
    }
  ]
}

describe('Argo CD files', () => {
  it('.gitattributes: two lines, no final newline', () => {
    expect(GITATTRIBUTES).toBe(
      '**/README.md linguist-generated=true\n**/hydrator.metadata linguist-generated=true'
    )
  })

  it('root hydrator.metadata: struct field order, empty fields omitted, final newline', () => {
    expect(rootMetadata(PLAIN)).toBe(
      `{\n  "repoURL": "https://github.com/org/dry",\n  "drySha": "${SHA}",\n  "author": "Jane Doe <jane@example.com>",\n  "date": "2026-01-02T03:04:05Z",\n  "subject": "Bump web to 1.2"\n}\n`
    )
    expect(rootMetadata(RICH)).toBe(
      [
        '{',
        '  "repoURL": "https://github.com/org/dry",',
        `  "drySha": "${SHA}",`,
        '  "author": "Jane Doe <jane@example.com>",',
        '  "date": "2026-01-02T03:04:05Z",',
        '  "subject": "Use <b> & \\"c\\"",',
        '  "body": "Body line\\nSigned-off-by: Jane Doe <jane@example.com>\\n",',
        '  "references": [',
        '    {',
        '      "commit": {',
        '        "author": "\\"Ref Author\\" <ref@example.com>",',
        '        "date": "2026-01-01T10:00:00+01:00",',
        '        "subject": "Fix",',
        '        "sha": "abcdef1",',
        '        "repoUrl": "https://github.com/org/app"',
        '      }',
        '    }',
        '  ]',
        '}',
        ''
      ].join('\n')
    )
    expect(rootMetadata({ ...PLAIN, repoURL: '' }).startsWith(`{\n  "drySha"`)).toBe(true)
  })

  it('per-path hydrator.metadata: repoURL, drySha, commands', () => {
    expect(pathMetadata(PLAIN, ['helm template web charts/web', 'a && b > c'])).toBe(
      `{\n  "repoURL": "https://github.com/org/dry",\n  "drySha": "${SHA}",\n  "commands": [\n    "helm template web charts/web",\n    "a && b > c"\n  ]\n}\n`
    )
    expect(pathMetadata(PLAIN, [])).toBe(
      `{\n  "repoURL": "https://github.com/org/dry",\n  "drySha": "${SHA}"\n}\n`
    )
  })

  it('Go JSON escapes: \\b and \\f short (Go 1.22+), U+2028 escaped, HTML raw', () => {
    expect(goJsonEncode('\b\f\u0001\u2028<&>')).toBe('"\\b\\f\\u0001\\u2028<&>"\n')
    expect(goJsonEncode([])).toBe('[]\n')
  })

  it('README.md: the default template, ending with the closing fence line', () => {
    expect(pathReadme(PLAIN, ['helm dependency build charts/web', 'helm template web'])).toBe(
      `# Manifest Hydration\n\nTo hydrate the manifests in this repository, run the following commands:\n\n\`\`\`shell\ngit clone https://github.com/org/dry\n# cd into the cloned directory\ngit checkout ${SHA}\nhelm dependency build charts/web\nhelm template web\n\`\`\`\n`
    )
    // No repoURL, no commands: the template still writes `git clone ` and nothing between.
    expect(pathReadme({ ...PLAIN, repoURL: '' }, [])).toBe(
      `# Manifest Hydration\n\nTo hydrate the manifests in this repository, run the following commands:\n\n\`\`\`shell\ngit clone \n# cd into the cloned directory\ngit checkout ${SHA}\n\`\`\`\n`
    )
  })
})

describe('Argo CD commit messages', () => {
  it('<drySha first 7>: <subject>, the body, Co-authored-by lines (references first)', () => {
    expect(argoCommitMessage(PLAIN)).toBe(
      '0123456: Bump web to 1.2\n\nCo-authored-by: Jane Doe <jane@example.com>\n'
    )
    expect(argoCommitMessage(RICH)).toBe(
      '0123456: Use <b> & "c"\n\nBody line\nSigned-off-by: Jane Doe <jane@example.com>\n\nCo-authored-by: "Ref Author" <ref@example.com>\nCo-authored-by: Jane Doe <jane@example.com>\n'
    )
    // An empty subject is a missing map key to the template.
    expect(argoCommitMessage({ ...PLAIN, subject: '' })).toBe(
      '0123456: <no value>\n\nCo-authored-by: Jane Doe <jane@example.com>\n'
    )
  })

  it('a new branch starts with an empty "Initial commit for <branch>"', () => {
    expect(initialCommitMessage('env/dev')).toBe('Initial commit for env/dev\n')
  })
})

describe('the dry commit as Argo CD reads it', () => {
  it('trims the message, cuts at the first blank line, moves reference lines out of the body', () => {
    const dry = dryCommitFrom({
      sha: SHA,
      author: 'Jane Doe <jane@example.com>',
      authorTime: 1767323045,
      message:
        '\n  Two-line\nsubject\n\nBody.\nArgocd-reference-commit-sha: abcdef1\nArgocd-reference-commit-sha: NOTHEX\n\n\n',
      trailers: 'Argocd-reference-commit-sha: abcdef1\nArgocd-reference-commit-sha: NOTHEX\n',
      repoURL: ''
    })
    expect(dry.date).toBe('2026-01-02T03:04:05Z')
    expect(dry.subject).toBe('Two-line\nsubject')
    expect(dry.body).toBe('Body.\nArgocd-reference-commit-sha: NOTHEX\n')
    // No author trailer: Go's zero mail.Address prints as <@>, and Argo CD co-authors it.
    expect(dry.references).toEqual([
      { author: '<@>', date: '', subject: '', body: '', sha: 'abcdef1', repoUrl: '' }
    ])
    expect(argoCommitMessage(dry)).toBe(
      '0123456: Two-line\nsubject\n\nBody.\nArgocd-reference-commit-sha: NOTHEX\n\nCo-authored-by: <@>\nCo-authored-by: Jane Doe <jane@example.com>\n'
    )
  })

  it('Go strings.TrimSpace trims Unicode spaces but not U+FEFF', () => {
    expect(goTrimSpace('\u00a0\u3000 x \u0085\n')).toBe('x')
    expect(goTrimSpace('\ufeffx')).toBe('\ufeffx')
  })
})
