import type {
  BranchStatus,
  EnvironmentUpdate,
  PrunedPath,
  WriteResult
} from '../hydrate/branchWriter.js'
import { checkReport } from '../report/checkReport.js'
import { arrayOf, bool, name, object, oneOf, sha, text } from '../report/schema.js'
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

const pushedBranch = object(
  {
    branch: name,
    status: oneOf(['created', 'updated', 'unchanged', 'skipped']),
    changedTargets: arrayOf(name),
    pruned: arrayOf(object({ path: name, target: name }))
  },
  { commit: sha, previous: sha, reason: text(4096) }
)

const environmentUpdate = object(
  {
    env: name,
    branch: name,
    next: name,
    autoMerge: bool,
    action: oneOf(['created', 'fast-forwarded', 'unchanged', 'diverged', 'missing'])
  },
  { previous: sha, pushed: sha, reason: text(4096) }
)

const pushShardReportSchema = object({
  kind: oneOf(['hydrate-push']),
  shard: object({ id: name, fingerprint: name }),
  drySha: sha,
  pushed: bool,
  branches: arrayOf(pushedBranch),
  environments: arrayOf(environmentUpdate)
})

/** Reads a shard's push report, checked against its schema before anything reads it. */
export function parsePushShardReport(
  json: string,
  file: string
): { file: string; stamp: ShardStamp; report: PushShardReport } {
  const { data, stamp } = readShardJson(json, file)
  const report = checkReport(pushShardReportSchema, data, file, 'push shard report')
  return { file, stamp, report }
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
