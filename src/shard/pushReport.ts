import type {
  BranchStatus,
  EnvironmentUpdate,
  PrunedPath,
  WriteResult
} from '../hydrate/branchWriter.js'
import { readShardJson, ShardReportError, type ShardStamp } from './reports.js'

/** What a shard's push did to one branch (the report job's outputs and summary). */
export interface PushedBranch {
  branch: string
  status: BranchStatus
  commit?: string
  previous?: string
  changedTargets: string[]
  pruned: PrunedPath[]
  reason?: string
}

/** A shard's push report: `hydrate push --shard … --report F`, the action's `report-json`. */
export interface PushShardReport {
  kind: 'hydrate-push'
  shard: ShardStamp
  drySha: string
  pushed: boolean
  branches: PushedBranch[]
  /** With `promotion:`: what the push did to each environment branch of the shard. */
  environments: EnvironmentUpdate[]
}

export function pushShardReport(
  write: WriteResult,
  drySha: string,
  shard: ShardStamp
): PushShardReport {
  return {
    kind: 'hydrate-push',
    shard,
    drySha,
    pushed: write.pushed,
    branches: write.branches.map(b => ({
      branch: b.branch,
      status: b.status,
      commit: b.commit,
      previous: b.previous,
      changedTargets: b.changedTargets,
      pruned: b.pruned,
      reason: b.reason
    })),
    environments: write.environments
  }
}

export const renderPushShardReport = (report: PushShardReport): string =>
  `${JSON.stringify(report, null, 2)}\n`

export function parsePushShardReport(
  text: string,
  file: string
): { file: string; stamp: ShardStamp; report: PushShardReport } {
  const { data, stamp } = readShardJson(text, file)
  const report = data as Partial<PushShardReport>
  if (
    report.kind !== 'hydrate-push' ||
    typeof report.drySha !== 'string' ||
    !Array.isArray(report.branches) ||
    !Array.isArray(report.environments)
  )
    throw new ShardReportError(`${file} is not a push shard report`)
  return { file, stamp, report: report as PushShardReport }
}

/** The shards' pushes as one: every branch once (each has one writer), in branch order. */
export function mergePushReports(parts: ReadonlyArray<{ file: string; report: PushShardReport }>): {
  drySha: string
  branches: PushedBranch[]
  environments: EnvironmentUpdate[]
  pushed: boolean
} {
  const first = parts[0]
  if (!first) throw new ShardReportError('no shard reports to merge')
  for (const { file, report } of parts)
    if (report.drySha !== first.report.drySha)
      throw new ShardReportError(
        `${file} hydrated ${report.drySha.slice(0, 7)}, ${first.file} ${first.report.drySha.slice(0, 7)}: reports of different runs are never merged`
      )
  const byName = (a: { branch: string }, b: { branch: string }) =>
    a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0
  return {
    drySha: first.report.drySha,
    branches: parts.flatMap(p => p.report.branches).sort(byName),
    environments: parts.flatMap(p => p.report.environments),
    pushed: parts.some(p => p.report.pushed)
  }
}

/** Is a parsed JSON document a push report (else: a diff report)? */
export const isPushReport = (data: unknown): boolean =>
  (data as { kind?: unknown } | null)?.kind === 'hydrate-push'
