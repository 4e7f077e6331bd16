import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { configErrorOf } from './helpers/engine.js'
import { runCli } from '../src/cli/run.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import { ConfigError } from '../src/errors.js'
import {
  cleanupTempDirs,
  git,
  makeDryWithRemote,
  makeRepo,
  remoteRefs,
  snapshotTree,
  tempDir
} from './helpers/repo.js'

afterAll(cleanupTempDirs)

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n'
const FILES = { 'plain/cm.yaml': CM, 'other/cm.yaml': CM }

function configError(config: string): ConfigError {
  return configErrorOf(makeRepo({ files: { ...FILES, 'hydrate.yaml': config } }))
}

/** One target in block style: its entry is at column 5, `extra` on its fourth line. */
const target = (extra: string, name = 'a', source = 'plain') =>
  `  - name: ${name}\n    env: dev\n    source: ${source}\n    ${extra}\n`

describe('branch names and output paths are checked when the config loads', () => {
  const cases: Array<[string, string, RegExp, number, number]> = [
    [
      '@{-1}',
      target('branch: "@{-1}"'),
      /invalid branch name "@\{-1\}": it uses git's @\{…\}/,
      3,
      5
    ],
    ['@{-2} inside a name', target('branch: "env/dev@{-2}"'), /invalid branch name/, 3, 5],
    ['a lone @', target('branch: "@"'), /invalid branch name "@"/, 3, 5],
    ['a leading dash', target('branch: "-dev"'), /cannot start with "-"/, 3, 5],
    ['HEAD', target('branch: HEAD'), /HEAD is not a branch name/, 3, 5],
    ['.lock component', target('branch: env/dev.lock'), /git check-ref-format rejects it/, 3, 5],
    [
      'a branch inside another branch (deploy vs deploy/dev)',
      target('branch: deploy') + target('branch: deploy/dev', 'b', 'other'),
      /branch "deploy\/dev" of target b cannot exist next to branch "deploy" of target a \(at hydrate\.yaml:3:5\)/,
      7,
      5
    ],
    ['path .git', target('path: .git'), /path "\.git" must not contain \.git/, 6, 11],
    ['path .GIT', target('path: .GIT'), /path "\.GIT" must not contain \.git/, 6, 11],
    ['.Git deeper down', target('path: apps/.Git/x'), /must not contain \.git/, 6, 11],
    ['.git. (NTFS)', target('path: "apps/.git."'), /must not contain \.git/, 6, 11],
    ['git~1 (8.3 name)', target('path: "GIT~1"'), /must not contain \.git/, 6, 11],
    [
      'path hydrator.metadata',
      target('path: hydrator.metadata'),
      /path "hydrator\.metadata" is reserved: hydrate writes hydrator\.metadata at the branch root/,
      6,
      11
    ],
    [
      'path readme.md/app',
      target('path: readme.md/app'),
      /is reserved: hydrate writes README\.md/,
      6,
      11
    ],
    ['path .gitattributes', target('path: .gitattributes'), /is reserved/, 6, 11],
    ['path hydrate.state.json', target('path: hydrate.state.json'), /is reserved/, 6, 11]
  ]

  it.each(cases)('%s', (_title, targets, message, line, column) => {
    const error = configError(`version: 1\ntargets:\n${targets}`)
    expect(error.message).toMatch(message)
    expect(error.location).toMatchObject({ file: 'hydrate.yaml', line, column })
    expect(error.message.startsWith(`hydrate.yaml:${line}:${column}: `)).toBe(true)
    expect(error.exitCode).toBe(2)
  })

  it('a path that only contains a reserved name deeper down is fine', () => {
    const repo = makeRepo({
      files: { ...FILES, 'hydrate.yaml': `version: 1\ntargets:\n${target('path: apps/git~2')}` }
    })
    expect(loadConfig(repo).targets[0]?.path).toBe('apps/git~2')
  })
})

describe('bad names fail before anything is touched (exit 2)', () => {
  async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
    const stderr: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) =>
      stderr.push(chunk) > 0) as typeof process.stderr.write
    try {
      const code = await runCli(args, { write: () => true } as unknown as NodeJS.WritableStream)
      return { code, stderr: stderr.join('') }
    } finally {
      process.stderr.write = write
    }
  }

  it.each([
    ['@{-1} (it would resolve to the previous branch)', target('branch: "@{-1}"'), /@\{-1\}/],
    [
      'deploy next to deploy/dev',
      target('branch: deploy') + target('branch: deploy/dev', 'b', 'other'),
      /cannot exist next to branch "deploy"/
    ],
    ['path .GIT', target('path: .GIT'), /must not contain \.git/],
    ['path hydrator.metadata', target('path: hydrator.metadata'), /is reserved/]
  ])('push: %s', async (_title, targets, message) => {
    const { dry, remote } = makeDryWithRemote({
      files: { ...FILES, 'hydrate.yaml': `version: 1\ntargets:\n${targets}` }
    })
    // A previous branch, so that `git check-ref-format --branch @{-1}` would have passed.
    git(dry, 'checkout', '-q', '-b', 'feature')
    git(dry, 'checkout', '-q', 'main')
    const before = snapshotTree(path.join(dry, '.git'))
    const result = await cli(['push', '-C', dry])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: hydrate\.yaml:\d+:\d+: /m)
    expect(result.stderr).toMatch(message)
    expect(Object.keys(remoteRefs(remote))).toEqual(['refs/heads/main'])
    expect(snapshotTree(path.join(dry, '.git'))).toEqual(before) // no fast-import crash file, no refs
  })

  it('render --out with path hydrator.metadata is a configuration error, not EEXIST', async () => {
    const repo = makeRepo({
      files: {
        ...FILES,
        'hydrate.yaml': `version: 1\ntargets:\n${target('path: hydrator.metadata')}`
      }
    })
    const out = tempDir()
    const result = await cli(['render', '-C', repo, '--out', out])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^error: hydrate\.yaml:6:11: path "hydrator\.metadata" is reserved/
    )
    expect(result.stderr).not.toMatch(/EEXIST/)
    expect(fs.readdirSync(out)).toEqual([])
  })

  it('render --out onto a file where a branch directory goes names the file (exit 1)', async () => {
    const repo = makeRepo({
      files: { ...FILES, 'hydrate.yaml': `version: 1\ntargets:\n${target('path: app')}` }
    })
    const out = tempDir()
    fs.writeFileSync(path.join(out, 'env'), 'not a directory\n')
    const result = await cli(['render', '-C', repo, '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: cannot write env\/dev:\S+ into \S+env\/dev: /m)
    expect(fs.readFileSync(path.join(out, 'env'), 'utf8')).toBe('not a directory\n')
  })
})
