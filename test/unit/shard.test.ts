import { describe, expect, it } from '@jest/globals'
import type { HydrateConfig, PromotionEnvironment, Target } from '../../src/config/types.js'
import type { DiffReport, TargetDiff } from '../../src/diff/types.js'
import { UsageError } from '../../src/errors.js'
import { mergeDiffReports, unshardedOrder } from '../../src/shard/diffReport.js'
import {
  parseMatrix,
  parseShardId,
  planFingerprint,
  planShards,
  serializeMatrix
} from '../../src/shard/plan.js'
import { checkShards, IncompleteShardsError, ShardReportError } from '../../src/shard/reports.js'
import { narrowToShard, ownsBranch, shardScope, ShardMismatchError } from '../../src/shard/scope.js'

const COMMIT = 'c'.repeat(40)

function target(name: string, branch: string, path = name): Target {
  return {
    name,
    env: branch.split('/')[1] ?? 'dev',
    type: 'directory',
    source: `apps/${name}`,
    path,
    branch,
    layout: 'manifest',
    prune: true,
    allowSecrets: false,
    location: { file: 'hydrate.yaml', line: 1, column: 1 }
  } as Target
}

/** 3 apps × 4 environments: four branches of three targets. */
const TARGETS = ['dev', 'qa', 'staging', 'prod'].flatMap(env =>
  ['api', 'web', 'worker'].map(app => target(`${app}-${env}`, `env/${env}`, app))
)

describe('shard ids', () => {
  it('reads I/N and refuses what is not one', () => {
    expect(parseShardId('2/4')).toEqual({ index: 2, count: 4 })
    expect(parseShardId(' 1 / 1 ')).toEqual({ index: 1, count: 1 })
    for (const bad of ['0/2', '3/2', '2', '1/0', '-1/2', '1/2/3', 'a/b'])
      expect(() => parseShardId(bad)).toThrow(UsageError)
  })
})

describe('planShards', () => {
  it('never splits a branch, and without history balances by target count', () => {
    const plan = planShards({
      commit: COMMIT,
      count: 2,
      targets: TARGETS,
      renderMs: () => undefined
    })
    expect(plan.basis).toBe('target count')
    const shards = plan.matrix.include
    expect(shards.map(s => s.shard)).toEqual(['1/2', '2/2'])
    // Four equal groups, heaviest first to the lightest shard, ties by branch name.
    expect(shards.map(s => s.branches)).toEqual([
      ['env/dev', 'env/qa'],
      ['env/prod', 'env/staging']
    ])
    expect(shards.map(s => s.targets)).toEqual([6, 6])
    const all = shards.flatMap(s => s.branches).sort()
    expect(all).toEqual(['env/dev', 'env/prod', 'env/qa', 'env/staging'])
  })

  it('balances by the last render times, the median standing in for a target without one', () => {
    // prod renders slowly: it gets a shard of its own.
    const ms: Record<string, number> = { 'env/prod': 3000, 'env/dev': 400, 'env/qa': 500 }
    const plan = planShards({
      commit: COMMIT,
      count: 2,
      targets: TARGETS,
      renderMs: t => ms[t.branch]
    })
    expect(plan.basis).toBe('render time')
    expect(plan.matrix.include.map(s => s.branches)).toEqual([
      ['env/prod'],
      ['env/dev', 'env/qa', 'env/staging']
    ])
    // staging has no history: each of its targets weighs the median (500).
    expect(plan.matrix.include.map(s => s.weight)).toEqual([9000, 1200 + 1500 + 1500])
  })

  it('is deterministic: the same commit, N and targets in any order give the same plan', () => {
    const renderMs = (t: Target) => (t.name.length * 37) % 11
    const a = planShards({ commit: COMMIT, count: 3, targets: TARGETS, renderMs })
    const b = planShards({ commit: COMMIT, count: 3, targets: [...TARGETS].reverse(), renderMs })
    expect(serializeMatrix(b.matrix)).toBe(serializeMatrix(a.matrix))
  })

  it('keeps a promotion branch with its environment branch', () => {
    const environments: PromotionEnvironment[] = ['dev', 'prod'].map(env => ({
      env,
      branch: `env/${env}`,
      next: `env/${env}-next`,
      autoMerge: env === 'dev'
    }))
    const targets = ['dev', 'prod'].flatMap(env =>
      ['api', 'web'].map(app => target(`${app}-${env}`, `env/${env}-next`, app))
    )
    const plan = planShards({
      commit: COMMIT,
      count: 2,
      targets,
      environments,
      renderMs: () => undefined
    })
    expect(plan.matrix.include.map(s => s.branches)).toEqual([
      ['env/dev', 'env/dev-next'],
      ['env/prod', 'env/prod-next']
    ])
  })

  it('plans no more shards than branch groups, and gives retired branches to one shard', () => {
    const plan = planShards({
      commit: COMMIT,
      count: 8,
      targets: TARGETS,
      renderMs: () => undefined,
      retired: ['env/old', 'env/gone']
    })
    expect(plan.matrix.include).toHaveLength(4)
    expect(plan.requested).toBe(8)
    expect(plan.matrix.include.flatMap(s => s.retired).sort()).toEqual(['env/gone', 'env/old'])
    expect(plan.matrix.include.filter(s => s.retired.length > 0)).toHaveLength(1)
  })

  it('fingerprints the commit, N and the target set', () => {
    const base = planFingerprint(COMMIT, 2, TARGETS)
    expect(planFingerprint(COMMIT, 2, [...TARGETS].reverse())).toBe(base)
    expect(planFingerprint('d'.repeat(40), 2, TARGETS)).not.toBe(base)
    expect(planFingerprint(COMMIT, 3, TARGETS)).not.toBe(base)
    expect(planFingerprint(COMMIT, 2, TARGETS.slice(1))).not.toBe(base)
    const moved = TARGETS.map((t, i) => (i === 0 ? { ...t, path: 'elsewhere' } : t))
    expect(planFingerprint(COMMIT, 2, moved)).not.toBe(base)
  })
})

describe('a shard of a plan', () => {
  const plan = planShards({ commit: COMMIT, count: 2, targets: TARGETS, renderMs: () => undefined })
  const config = { targets: TARGETS, allTargets: TARGETS } as HydrateConfig

  it('round-trips the matrix and narrows the config to its branches', () => {
    const matrix = parseMatrix(serializeMatrix(plan.matrix), 'the plan')
    const scope = shardScope(matrix, '2/2')
    const narrowed = narrowToShard(config, COMMIT, scope)
    expect([...new Set(narrowed.targets.map(t => t.branch))].sort()).toEqual([
      'env/prod',
      'env/staging'
    ])
    expect(narrowed.allTargets).toHaveLength(6)
    expect(narrowed.unshardedOrder).toEqual(TARGETS.map(t => t.name))
  })

  it('gives a branch the plan does not know (only on a base) to shard 1 alone', () => {
    expect(ownsBranch(shardScope(plan.matrix, '1/2'), 'env/removed')).toBe(true)
    expect(ownsBranch(shardScope(plan.matrix, '2/2'), 'env/removed')).toBe(false)
  })

  it('refuses a run of another commit or target set, and a shard the plan does not have', () => {
    const scope = shardScope(plan.matrix, '1/2')
    expect(() => narrowToShard(config, 'd'.repeat(40), scope)).toThrow(ShardMismatchError)
    expect(() => narrowToShard({ ...config, targets: TARGETS.slice(1) }, COMMIT, scope)).toThrow(
      /another commit or target set/
    )
    expect(() => shardScope(plan.matrix, '1/3')).toThrow(/has 2 shards/)
    expect(() => parseMatrix('{"include":[]}', 'the plan')).toThrow(UsageError)
    expect(() => parseMatrix('not json', 'the plan')).toThrow(/not JSON/)
  })
})

describe('merging shard reports', () => {
  const stamp = (id: string, fingerprint = 'f1') => ({ id, fingerprint })

  it('names the shards that sent nothing', () => {
    const result = checkShards([
      { file: 'a.json', stamp: stamp('1/3') },
      { file: 'c.json', stamp: stamp('3/3') }
    ])
    expect(result.missing).toEqual(['2/3'])
    expect(new IncompleteShardsError(result.missing, result.count).message).toMatch(
      /shard 2\/3 of 3 sent no report/
    )
    // With the plan given, a report of each shard is expected even when none came.
    expect(checkShards([], { fingerprint: 'f1', count: 2 }).missing).toEqual(['1/2', '2/2'])
  })

  it('refuses a foreign report and a shard reported twice', () => {
    expect(() =>
      checkShards([
        { file: 'a.json', stamp: stamp('1/2') },
        { file: 'b.json', stamp: stamp('2/2', 'f2') }
      ])
    ).toThrow(/b.json is shard 2\/2 of another plan/)
    expect(() =>
      checkShards([
        { file: 'a.json', stamp: stamp('1/2') },
        { file: 'b.json', stamp: stamp('1/2') }
      ])
    ).toThrow(/reported twice: a.json and b.json/)
    expect(() =>
      checkShards([{ file: 'a.json', stamp: stamp('1/2') }], { fingerprint: 'f2', count: 2 })
    ).toThrow(ShardReportError)
  })

  it('puts targets and findings back in the unsharded order', () => {
    const diff = (name: string): TargetDiff => ({
      name,
      env: 'dev',
      branch: 'env/dev',
      path: name,
      status: 'unchanged',
      counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
      resources: []
    })
    const report = (names: string[]): DiffReport => ({
      base: 'a'.repeat(40),
      head: 'b'.repeat(40),
      targets: names.map(diff),
      findings: names.map(name => ({
        target: name,
        resource: 'ConfigMap x',
        rule: 'mutable-image-tag',
        severity: 'warning',
        message: name
      })) as DiffReport['findings']
    })
    const head = ['web', 'api', 'worker']
    const base = ['web', 'old', 'api']
    const part = (names: string[], id: string) => {
      const r = report(names)
      return {
        file: `${id}.json`,
        stamp: { ...stamp(id), order: unshardedOrder(r, head, base) },
        report: r
      }
    }
    const merged = mergeDiffReports([part(['api', 'old'], '2/2'), part(['web', 'worker'], '1/2')])
    expect(merged.report.targets.map(t => t.name)).toEqual(['web', 'api', 'worker', 'old'])
    expect(merged.report.findings.map(f => f.target)).toEqual(['web', 'api', 'worker', 'old'])
    const other = { ...part(['x'], '2/2'), report: { ...report(['x']), head: 'e'.repeat(40) } }
    expect(() => mergeDiffReports([part(['web'], '1/2'), other])).toThrow(/different runs/)
  })
})
