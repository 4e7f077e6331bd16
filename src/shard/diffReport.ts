import type { DiffReport } from '../diff/types.js'
import { checkReport } from '../report/checkReport.js'
import { diffShardReport } from '../report/diffReportSchema.js'
import { renderJson } from '../report/json.js'
import { readShardJson, ShardReportError, type ShardStamp } from './reports.js'

// A shard's diff report: writing it with its stamp, reading it back, merging the shards'.

export interface DiffTimings {
  baseMs: number
  headMs: number
  totalMs: number
}

/** A shard's diff report also says where its targets stand in the unsharded report. */
export interface DiffShardStamp extends ShardStamp {
  /** Target name → its position in the report an unsharded run would write. */
  order: Record<string, number>
  timings?: DiffTimings
}

/**
 * A shard's JSON report: the report of its targets plus the `shard` stamp (docs/adr/0019).
 * A consumer that ignores `shard` reads it as a report of those targets.
 */
export function renderShardJson(report: DiffReport, stamp: DiffShardStamp): string {
  return renderJson({ ...report, shard: stamp } as DiffReport)
}

/** What a shard's diff gives its report: each side's targets in their unsharded order. */
export interface ShardDiff {
  report: DiffReport
  timings: DiffTimings
  head: { config: { unshardedOrder?: readonly string[] } }
  base?: { config: { unshardedOrder?: readonly string[] } }
}

/** A shard's diff as its JSON report, stamped with the shard's id and the plan's fingerprint. */
export function renderShardDiff(
  diff: ShardDiff,
  shard: { id: string; fingerprint: string }
): string {
  return renderShardJson(diff.report, {
    ...shard,
    order: unshardedOrder(
      diff.report,
      diff.head.config.unshardedOrder ?? [],
      diff.base?.config.unshardedOrder ?? []
    ),
    // Whole milliseconds: the merge reads timings as integers, never as text.
    timings: {
      baseMs: Math.round(diff.timings.baseMs),
      headMs: Math.round(diff.timings.headMs),
      totalMs: Math.round(diff.timings.totalMs)
    }
  })
}

/**
 * The position of each target of a shard's report in the unsharded order: the head's
 * targets in config order, then the targets only the base has, in its config order.
 */
export function unshardedOrder(
  report: DiffReport,
  headOrder: readonly string[],
  baseOrder: readonly string[]
): Record<string, number> {
  const head = new Map(headOrder.map((name, i) => [name, i]))
  const baseOnly = baseOrder.filter(name => !head.has(name))
  const base = new Map(baseOnly.map((name, i) => [name, headOrder.length + i]))
  return Object.fromEntries(
    report.targets.map(t => [
      t.name,
      head.get(t.name) ?? base.get(t.name) ?? Number.MAX_SAFE_INTEGER
    ])
  )
}

export interface DiffShardReport {
  file: string
  stamp: DiffShardStamp
  report: DiffReport
}

/** Reads a shard's JSON report, checked against the report's schema before anything reads it. */
export function parseDiffShardReport(text: string, file: string): DiffShardReport {
  const { data, stamp } = readShardJson(text, file)
  const { shard, ...report } = checkReport(diffShardReport, data, file, 'diff shard report')
  return { file, stamp: { ...stamp, order: shard.order ?? {}, timings: shard.timings }, report }
}

/**
 * One report from the shards' reports: what an unsharded run reports (targets and findings
 * in its order), and the slowest shard's timings. Shards of one plan compare one base and
 * one head; reports of another pair are refused.
 */
export function mergeDiffReports(parts: readonly DiffShardReport[]): {
  report: DiffReport
  timings?: DiffTimings
} {
  const first = parts[0]
  if (!first) throw new ShardReportError('no shard reports to merge')
  for (const part of parts)
    if (part.report.base !== first.report.base || part.report.head !== first.report.head)
      throw new ShardReportError(
        `${part.file} compares ${part.report.base.slice(0, 7)}..${part.report.head.slice(0, 7)}, ${first.file} ${first.report.base.slice(0, 7)}..${first.report.head.slice(0, 7)}: reports of different runs are never merged`
      )
  const rank = new Map<string, number>()
  for (const part of parts)
    for (const target of part.report.targets)
      rank.set(target.name, part.stamp.order[target.name] ?? Number.MAX_SAFE_INTEGER)
  const position = (name: string) => rank.get(name) ?? Number.MAX_SAFE_INTEGER
  // Stable sorts: within a target, a shard keeps the order an unsharded run has.
  const targets = parts
    .flatMap(p => p.report.targets)
    .sort((a, b) => position(a.name) - position(b.name))
  const findings = parts
    .flatMap(p => p.report.findings)
    .sort((a, b) => position(a.target) - position(b.target))
  const timed = parts.map(p => p.stamp.timings).filter((t): t is DiffTimings => !!t)
  const timings =
    timed.length > 0
      ? {
          baseMs: Math.max(...timed.map(t => t.baseMs)),
          headMs: Math.max(...timed.map(t => t.headMs)),
          totalMs: Math.max(...timed.map(t => t.totalMs))
        }
      : undefined
  // How the sides were obtained adds up over the shards, as one run counts it.
  const counted = parts.map(p => p.report.rendering).filter(r => r !== undefined)
  const rendering =
    counted.length > 0
      ? {
          rendered: {
            base: counted.reduce((n, r) => n + r.rendered.base, 0),
            head: counted.reduce((n, r) => n + r.rendered.head, 0)
          },
          fromBranches: counted.reduce((n, r) => n + r.fromBranches, 0)
        }
      : undefined
  return {
    report: {
      base: first.report.base,
      head: first.report.head,
      targets,
      findings,
      ...(rendering ? { rendering } : {})
    },
    timings
  }
}
