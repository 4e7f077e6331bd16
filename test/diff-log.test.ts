import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const configMap = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  release: "${value}"\n`

describe("the diff's log", () => {
  it('says each line once, and labels what belongs to one side base or head', async () => {
    const { dry } = makeDryWithRemote({
      files: {
        'environments/dev/app.yaml': configMap('one'),
        'environments/prod/app.yaml': configMap('one'),
        'environments/staging/app.yaml': configMap('one')
      }
    })
    git(dry, 'checkout', '-q', '-b', 'change')
    fs.writeFileSync(path.join(dry, 'environments/dev/app.yaml'), configMap('two'))
    commitAll(dry, 'Change dev')
    const logger = new MemoryLogger()
    await diffRepository({ repoRoot: dry, base: 'main', logger, env: toolEnv(), full: false })
    const lines = logger.lines.filter(l => !l.startsWith('debug:'))
    expect(lines.filter(l => l.includes('3 targets from'))).toEqual([
      'head: 3 targets from the zero-config default (environments/{env})'
    ])
    const rendering = lines.filter(l => /rendering \d+ affected/.test(l))
    expect(rendering).toEqual([
      'head: rendering 1 affected of 3 targets',
      'base: rendering 1 affected of 3 targets'
    ])
    expect(new Set(lines).size).toBe(lines.length)
  })
})
