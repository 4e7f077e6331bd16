import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository } from '../src/engine.js'
import { ConfigError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { hydrateForTest } from './helpers/engine.js'
import { CM } from './helpers/manifests.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  remoteRefs,
  writeFiles
} from './helpers/repo.js'
import { ROOT, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const CONFIG = (webBranch: string) =>
  [
    'version: 1',
    'targets:',
    '  - { name: api-prod, env: prod, source: apps/api, path: api }',
    `  - { name: web-prod, env: prod, source: apps/web, path: web, branch: ${webBranch} }`,
    ''
  ].join('\n')

function repository(webBranch = 'env/prod') {
  return makeDryWithRemote({
    files: {
      'hydrate.yaml': CONFIG(webBranch),
      'apps/api/cm.yaml': CM('api', '1'),
      'apps/web/cm.yaml': CM('web', '1')
    }
  })
}

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), ...args], {
    env: toolEnv(),
    encoding: 'utf8'
  })

describe('output branches are never the dry branch', () => {
  it('push: `branch: main` (the branch being hydrated, the default branch) is a config error, exit 2, nothing pushed', () => {
    const { dry, remote } = repository('main')
    const before = remoteRefs(remote)
    const run = cli('push', '-C', dry)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /^error: hydrate\.yaml:4:5: target web-prod: branch "main" is the branch being hydrated/m
    )
    expect(remoteRefs(remote)).toEqual(before)
  })

  it("diff: a PR that sends a target to its base branch or the remote's default branch is refused", async () => {
    const { dry } = repository()
    git(dry, 'checkout', '-q', '-b', 'feature')
    writeFiles(dry, { 'hydrate.yaml': CONFIG('main') })
    commitAll(dry, 'Hydrate into main')
    const run = cli('diff', '-C', dry, '--base', 'main')
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /^error: hydrate\.yaml:4:5: target web-prod: branch "main" is the pull request's base branch/m
    )
    // A commit as the base (the action passes the SHA): the remote's default branch is still known.
    const error = await diffRepository({
      repoRoot: dry,
      base: git(dry, 'rev-parse', 'main').trim(),
      logger: new MemoryLogger(),
      env: toolEnv()
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(
      /^hydrate\.yaml:4:5: target web-prod: branch "main" is the repository's default branch/
    )
  })

  it('a target that moves branches: removed from the old one, added to the new; pruned there after merge', async () => {
    const { dry, remote } = repository()
    await hydrateForTest(dry)
    const tree = (branch: string) =>
      git(remote, 'ls-tree', '-r', '--name-only', `refs/heads/${branch}`)
        .split('\n')
        .filter(Boolean)
    expect(tree('env/prod')).toContain('web/manifest.yaml')
    const base = git(dry, 'rev-parse', 'HEAD').trim()
    writeFiles(dry, { 'hydrate.yaml': CONFIG('env/prod-b') })
    commitAll(dry, 'Move web to its own branch')
    const { report } = await diffRepository({
      repoRoot: dry,
      base,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const web = report.targets.filter(t => t.name === 'web-prod')
    expect(
      web.map(t => [t.branch, t.status, t.resources.map(r => `${r.change} ${r.name}`)])
    ).toEqual([
      ['env/prod', 'removed', ['removed web']],
      ['env/prod-b', 'added', ['added web']]
    ])
    expect(report.targets.find(t => t.name === 'api-prod')?.status).toBe('unchanged')

    git(dry, 'push', '-q', 'origin', 'main')
    await hydrateForTest(dry)
    expect(tree('env/prod')).not.toContain('web/manifest.yaml')
    expect(tree('env/prod')).toContain('api/manifest.yaml')
    expect(tree('env/prod-b')).toContain('web/manifest.yaml')
    const state = JSON.parse(git(remote, 'show', 'refs/heads/env/prod:hydrate.state.json')) as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(state.paths)).toEqual(['api'])
  })
})
