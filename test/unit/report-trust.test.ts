import { describe, expect, it } from '@jest/globals'
import type { Target } from '../../src/config/types.js'
import type { DiffReport, TargetDiff } from '../../src/diff/types.js'
import { ReportSchemaError } from '../../src/report/checkReport.js'
import {
  mergeDiffReports,
  parseDiffShardReport,
  renderShardJson
} from '../../src/shard/diffReport.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { checkDiffClaims, checkPushClaims } from '../../src/shard/claims.js'
import { parseMatrix, planShards, serializeMatrix } from '../../src/shard/plan.js'
import { parsePushShardReport } from '../../src/shard/pushReport.js'
import { ShardReportError } from '../../src/shard/reports.js'

// Shard jobs run a PR's content, so their reports are untrusted input: checked against the
// report's schema before anything reads them, and held to the targets the plan gave them.

/** A report as JSON.parse gives it, edited by hand as an attacker would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape, on purpose
type Hostile = any

const PAYLOAD =
  '1 modified\n\n### ✅ 0 of 15 targets change · no findings\n\n@octocat <img src=x onerror=alert(1)> [click](https://evil.example)'

function target(name: string, branch: string): Target {
  return {
    name,
    env: branch.slice(4),
    type: 'directory',
    source: `apps/${name}`,
    path: name,
    branch,
    layout: 'manifest',
    prune: true,
    allowSecrets: false,
    location: { file: 'hydrate.yaml', line: 1, column: 1 }
  } as Target
}

const TARGETS = ['dev', 'qa', 'prod'].flatMap(env =>
  ['api', 'web'].map(app => target(`${app}-${env}`, `env/${env}`))
)
const PLAN = parseMatrix(
  serializeMatrix(
    planShards({ commit: 'c'.repeat(40), count: 2, targets: TARGETS, renderMs: () => undefined })
      .matrix
  ),
  'the plan'
)

function diff(name: string, status: TargetDiff['status'] = 'unchanged'): TargetDiff {
  const t = TARGETS.find(x => x.name === name)
  return {
    name,
    env: t?.env ?? 'old',
    branch: t?.branch ?? 'env/old',
    path: name,
    status,
    counts: { added: 0, modified: status === 'changed' ? 1 : 0, removed: 0, renamed: 0 },
    resources: []
  }
}

/** A shard's report file as a shard job writes it, then read back as the report job does. */
function shardFile(shard: string, targets: TargetDiff[], edit?: (data: Hostile) => void) {
  const report: DiffReport = { base: 'a'.repeat(40), head: 'b'.repeat(40), targets, findings: [] }
  const fingerprint = PLAN.include[0]?.fingerprint ?? ''
  const data = JSON.parse(renderShardJson(report, { id: shard, fingerprint, order: {} }))
  edit?.(data)
  return JSON.stringify(data)
}

const namesOf = (shard: string) => PLAN.include.find(e => e.shard === shard)?.targetNames ?? []
const honest = (shard: string) =>
  parseDiffShardReport(
    shardFile(
      shard,
      namesOf(shard).map(n => diff(n))
    ),
    `${shard}.json`
  )

describe('shard reports against their schema', () => {
  it.each([
    [
      'a count holding markdown',
      (d: Hostile) => (d.targets[0].counts.modified = PAYLOAD),
      'targets[0].counts.modified must be a non-negative integer'
    ],
    [
      'a count as a numeric string',
      (d: Hostile) => (d.targets[0].counts.added = '0'),
      'targets[0].counts.added must be a non-negative integer'
    ],
    [
      'a fraction',
      (d: Hostile) => (d.targets[0].counts.added = 0.5),
      'targets[0].counts.added must be a non-negative integer'
    ],
    [
      'a rendering count holding HTML',
      (d: Hostile) =>
        (d.rendering = { rendered: { base: '0<b>@admins</b>', head: 1 }, fromBranches: 0 }),
      'rendering.rendered.base must be a non-negative integer'
    ],
    [
      'a timing as text',
      (d: Hostile) => (d.shard.timings = { baseMs: '1', headMs: 1, totalMs: 1 }),
      'shard.timings.baseMs'
    ],
    ['an order as text', (d: Hostile) => (d.shard.order = { x: 'first' }), 'shard.order.x'],
    [
      'a status no diff has',
      (d: Hostile) => (d.targets[0].status = PAYLOAD),
      'targets[0].status must be one of'
    ],
    [
      'a head that is not a SHA',
      (d: Hostile) => (d.head = PAYLOAD),
      'head must be a full commit SHA'
    ],
    [
      'a name over two lines',
      (d: Hostile) => (d.targets[0].name = PAYLOAD),
      'targets[0].name must be one line'
    ],
    [
      'a field no report has',
      (d: Hostile) => (d.targets[0].headline = PAYLOAD),
      'targets[0].headline must be absent'
    ],
    [
      'a finding of an unknown severity',
      (d: Hostile) =>
        d.findings.push({
          target: 'api-dev',
          resource: '',
          rule: 'x',
          severity: 'fatal',
          message: 'm'
        }),
      'findings[0].severity'
    ]
  ])('refuses %s, naming the file and the field', (_what, edit, message) => {
    const text = shardFile('1/2', [diff(namesOf('1/2')[0] as string)], edit)
    const read = () => parseDiffShardReport(text, 'shard-1.json')
    expect(read).toThrow(ReportSchemaError)
    expect(read).toThrow(`shard-1.json is not a diff shard report: ${message}`)
  })

  it('refuses a push report whose statuses, SHAs or flags are not what a push writes', () => {
    const push = (edit: (d: Hostile) => void) => {
      const data: Hostile = {
        kind: 'hydrate-push',
        shard: { id: '1/1', fingerprint: 'f' },
        drySha: 'c'.repeat(40),
        pushed: true,
        branches: [
          {
            branch: 'env/dev',
            status: 'updated',
            commit: 'd'.repeat(40),
            changedTargets: [],
            pruned: []
          }
        ],
        environments: []
      }
      edit(data)
      return () => parsePushShardReport(JSON.stringify(data), 'push.json')
    }
    expect(push(() => undefined)()).toMatchObject({ report: { pushed: true } })
    expect(push(d => (d.branches[0].status = 'promoted'))).toThrow(
      'branches[0].status must be one of'
    )
    expect(push(d => (d.branches[0].commit = 'HEAD'))).toThrow(
      'branches[0].commit must be a full commit SHA'
    )
    expect(push(d => (d.pushed = 'yes'))).toThrow('pushed must be true or false')
    expect(push(d => (d.branches[0].changedTargets = [PAYLOAD]))).toThrow(
      'changedTargets[0] must be one line'
    )
  })

  it('shows valid text only escaped, and merges numbers as numbers', () => {
    const line = PAYLOAD.replace(/\n/g, ' ')
    const parts = ['1/2', '2/2'].map(shard =>
      parseDiffShardReport(
        shardFile(
          shard,
          namesOf(shard).map(n => diff(n, 'changed')),
          d => {
            d.targets[0].error = PAYLOAD
            d.targets[0].status = 'error'
            d.targets[1].warnings = [line]
            d.rendering = { rendered: { base: 1, head: 2 }, fromBranches: 3 }
          }
        ),
        `${shard}.json`
      )
    )
    const { report } = mergeDiffReports(parts)
    expect(report.rendering).toEqual({ rendered: { base: 2, head: 4 }, fromBranches: 6 })
    // Code fences keep their content literal; everything outside them is escaped.
    const text = renderMarkdown(report).replace(/^(`{3,})\w*\n[\s\S]*?\n\1$/gm, '')
    expect(text.match(/^#{1,3} /gm)).toHaveLength(1)
    expect(text).not.toContain('@octocat')
    expect(text).not.toContain('<img')
    expect(text).not.toContain('](https://evil.example)')
    expect(text).toContain('6 renders (head 4, base 2), 6 bases from their branches')
  })
})

describe('a shard reports only the targets the plan gave it', () => {
  it('records each shard’s target names in the plan', () => {
    expect(PLAN.include.flatMap(e => e.targetNames).sort()).toEqual(TARGETS.map(t => t.name).sort())
    expect(() =>
      parseMatrix(
        JSON.stringify({ include: PLAN.include.map(({ targetNames: _, ...e }) => e) }),
        'the plan'
      )
    ).toThrow('shard entry 1 is not one hydrate plan writes')
  })

  it('merges the honest reports', () => {
    expect(() => checkDiffClaims([honest('1/2'), honest('2/2')], PLAN)).not.toThrow()
  })

  it('refuses a shard that reports no targets, naming it', () => {
    const empty = parseDiffShardReport(shardFile('2/2', []), 'shard-2.json')
    expect(() => checkDiffClaims([honest('1/2'), empty], PLAN)).toThrow(
      new RegExp(
        `shard 2/2 \\(shard-2.json\\) did not report target "${namesOf('2/2')[0]}" of its plan`
      )
    )
  })

  it("refuses a shard that reports another shard's target", () => {
    const stolen = namesOf('1/2')[0] as string
    const greedy = parseDiffShardReport(
      shardFile('2/2', [...namesOf('2/2').map(n => diff(n)), diff(stolen, 'changed')]),
      'shard-2.json'
    )
    const partial = parseDiffShardReport(
      shardFile(
        '1/2',
        namesOf('1/2')
          .slice(1)
          .map(n => diff(n))
      ),
      'shard-1.json'
    )
    expect(() => checkDiffClaims([partial, greedy], PLAN)).toThrow(
      `shard 2/2 (shard-2.json) reports target "${stolen}", which the plan gives shard 1/2`
    )
  })

  it('refuses a target twice, and a target the plan does not have', () => {
    const name = namesOf('1/2')[0] as string
    const twice = parseDiffShardReport(
      shardFile('1/2', [...namesOf('1/2').map(n => diff(n)), diff(name, 'changed')]),
      'shard-1.json'
    )
    expect(() => checkDiffClaims([twice, honest('2/2')], PLAN)).toThrow(
      `shard 1/2 (shard-1.json) reports target "${name}" twice`
    )
    const invented = parseDiffShardReport(
      shardFile('2/2', [...namesOf('2/2').map(n => diff(n)), diff('invented', 'changed')]),
      'shard-2.json'
    )
    expect(() => checkDiffClaims([honest('1/2'), invented], PLAN)).toThrow(
      'shard 2/2 (shard-2.json) reports target "invented", which is not in the plan'
    )
  })

  it('accepts a target only the base has on the shard that owns its branch, and no other', () => {
    const removed = (shard: string) =>
      parseDiffShardReport(
        shardFile(shard, [...namesOf(shard).map(n => diff(n)), diff('gone', 'removed')]),
        `${shard}.json`
      )
    // env/old is no shard's branch: shard 1 reports what the change removes there.
    expect(() => checkDiffClaims([removed('1/2'), honest('2/2')], PLAN)).not.toThrow()
    expect(() => checkDiffClaims([honest('1/2'), removed('2/2')], PLAN)).toThrow(ShardReportError)
  })

  it('refuses a push report of a branch or a target the plan gave another shard', () => {
    const entry = PLAN.include[1]
    const other = PLAN.include[0]
    const part = (branch: string, changed: string[]) => ({
      file: 'push-2.json',
      stamp: { id: '2/2' },
      report: {
        kind: 'hydrate-push' as const,
        shard: { id: '2/2', fingerprint: '' },
        drySha: 'c'.repeat(40),
        pushed: true,
        branches: [{ branch, status: 'updated' as const, changedTargets: changed, pruned: [] }],
        environments: []
      }
    })
    const own = entry?.branches[0] as string
    expect(() => checkPushClaims([part(own, entry?.targetNames ?? [])], PLAN)).not.toThrow()
    expect(() => checkPushClaims([part(other?.branches[0] as string, [])], PLAN)).toThrow(
      'which the plan does not give it'
    )
    expect(() => checkPushClaims([part(own, [other?.targetNames[0] as string])], PLAN)).toThrow(
      'as changed, which the plan does not give it'
    )
  })
})
