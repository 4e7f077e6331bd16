import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, git, makeRepo } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

/**
 * A symlink through /proc/self means something else in each process. With the repository in a
 * subdirectory (the action's `working-directory`, the CLI's `-C`), hydrate's working directory
 * is its parent while kustomize and helm run in the repository: the guard resolved
 * `/proc/self/cwd/<repo>/link2` to a harmless file, and kustomize opened `<repo>/<repo>/link2`,
 * the PR's link to `.git/config` (the token actions/checkout persists).
 */
describe('symlinks through /proc/self (the working directory differs from the repository)', () => {
  it('are refused before kustomize reads .git/config through them', async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: root, env: dev, source: ".", type: kustomize, path: root }\n',
        'kustomization.yaml': 'configMapGenerator:\n  - name: cfg\n    files: [cfg=link]\n',
        link2: 'harmless\n'
      }
    })
    git(repo, 'config', 'hydrate.canary', 'CANARY-FROM-GIT-CONFIG')
    const name = path.basename(repo)
    fs.symlinkSync(`/proc/self/cwd/${name}/link2`, path.join(repo, 'link'))
    fs.mkdirSync(path.join(repo, name))
    fs.symlinkSync('../.git/config', path.join(repo, name, 'link2'))
    const cwd = process.cwd()
    process.chdir(path.dirname(repo))
    try {
      const result = await renderRepository({
        repoRoot: repo,
        logger: new MemoryLogger(),
        env: toolEnv()
      })
      expect(JSON.stringify(result.rendered)).not.toContain('CANARY-FROM-GIT-CONFIG')
      expect(result.errors.map(e => e.message)).toEqual([
        `target root: link resolves to /proc/self/cwd/${name}/link2, a system path, never readable; a render reads only files inside the repository`
      ])
    } finally {
      process.chdir(cwd)
    }
  })
})
