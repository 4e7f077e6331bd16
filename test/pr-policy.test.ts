import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import type { PolicySettings, Target } from '../src/config/types.js'
import { diffRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { keepBasePolicy } from '../src/risk/basePolicy.js'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const CONFIG = [
  'version: 1',
  'targets:',
  '  - { name: web-prod, env: prod, source: web, path: web }',
  '  - { name: api-prod, env: prod, source: api, path: api }',
  ''
].join('\n')
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: "1"\n'
const SECRET =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  password: hunter2-not-masked-here\n'

describe('a pull request cannot weaken the rules its own output is checked by', () => {
  it.each([
    [
      'the global policy turns the rule off',
      `policy:\n  rules: { plaintext-secret: off }\n${CONFIG}`
    ],
    [
      "the target's own policy turns the rule off",
      CONFIG.replace(
        'source: web, path: web }',
        'source: web, path: web, policy: { rules: { plaintext-secret: off } } }'
      )
    ]
  ])('%s: the Secret it adds is still a blocking finding', async (_, config) => {
    const { dry } = makeDryWithRemote({
      files: { 'hydrate.yaml': CONFIG, 'web/cm.yaml': CM, 'api/cm.yaml': CM.replace('web', 'api') }
    })
    git(dry, 'checkout', '-q', '-b', 'sneaky')
    fs.writeFileSync(path.join(dry, 'hydrate.yaml'), config)
    fs.writeFileSync(path.join(dry, 'web/secret.yaml'), SECRET)
    commitAll(dry, 'add a Secret and turn the rule off')
    const logger = new MemoryLogger()
    const result = await diffRepository({ repoRoot: dry, base: 'main', logger, env: toolEnv() })
    const findings = result.report.findings.filter(f => f.rule === 'plaintext-secret')
    expect(findings.map(f => `${f.target} ${f.severity} ${f.preExisting ?? false}`)).toEqual([
      'web-prod error false'
    ])
    expect(logger.lines.join('\n')).toContain(
      "target web-prod: this change weakens policy plaintext-secret (error, not off); this diff checks with the base's settings; they apply once merged"
    )
    // Once merged (the base has it), the setting holds.
    git(dry, 'checkout', '-q', 'main')
    git(dry, 'merge', '-q', '--ff-only', 'sneaky')
    git(dry, 'checkout', '-q', '-b', 'next')
    fs.writeFileSync(path.join(dry, 'web/cm.yaml'), CM.replace('"1"', '"2"'))
    commitAll(dry, 'a later change')
    const later = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(later.report.findings.filter(f => f.rule === 'plaintext-secret')).toEqual([])
  })
})

describe('keepBasePolicy', () => {
  const target = (name: string, policy?: PolicySettings): Target =>
    ({ name, policy }) as unknown as Target
  const global = (rules: PolicySettings['rules'], requireDigest?: boolean): PolicySettings => ({
    rules,
    ...(requireDigest === undefined ? {} : { requireDigest })
  })

  it('keeps the stricter of the two settings per target and rule; stricter or equal heads pass unchanged', () => {
    const base = {
      policy: global({ 'mutable-image-tag': 'error' }, true),
      targets: [target('a'), target('b', global({ schema: 'off' }))]
    }
    const head = {
      policy: global({ 'mutable-image-tag': 'warning', 'destructive-deletion': 'off' }),
      targets: [target('a'), target('b', global({ schema: 'error' })), target('new')]
    }
    const { targets, kept } = keepBasePolicy(head, base)
    expect(kept).toEqual([
      {
        target: 'a',
        rules: [
          'mutable-image-tag (error, not warning)',
          'destructive-deletion (warning, not off)',
          'requireDigest'
        ]
      },
      {
        target: 'b',
        rules: [
          'mutable-image-tag (error, not warning)',
          'destructive-deletion (warning, not off)',
          'requireDigest'
        ]
      },
      {
        target: 'new',
        rules: [
          'mutable-image-tag (error, not warning)',
          'destructive-deletion (warning, not off)',
          'requireDigest'
        ]
      }
    ])
    // b keeps its own stricter schema setting.
    expect(targets[1]?.policy).toEqual({
      rules: { schema: 'error', 'mutable-image-tag': 'error', 'destructive-deletion': 'warning' },
      requireDigest: true
    })
    const same = keepBasePolicy(base, base)
    expect(same.kept).toEqual([])
    expect(same.targets).toEqual(base.targets)
    expect(keepBasePolicy(head, undefined).kept).toEqual([])
  })

  it("keeps the base's requireDigest for a target whose environment the head's list drops", () => {
    const envTarget = (name: string, env: string): Target => ({ name, env }) as unknown as Target
    const base = {
      policy: { rules: {}, requireDigest: ['prod'] },
      targets: [envTarget('web-prod', 'prod')]
    }
    const head = {
      policy: { rules: {}, requireDigest: ['staging'] },
      targets: [envTarget('web-prod', 'prod'), envTarget('web-dev', 'dev')]
    }
    const { targets, kept } = keepBasePolicy(head, base)
    expect(kept).toEqual([{ target: 'web-prod', rules: ['requireDigest'] }])
    expect(targets[0]?.policy?.requireDigest).toBe(true)
    expect(targets[1]?.policy).toBeUndefined()
  })
})
