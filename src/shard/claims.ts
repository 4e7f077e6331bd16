import type { DiffShardReport } from './diffReport.js'
import { parseShardId, type ShardEntry, type ShardMatrix } from './plan.js'
import type { PushShardReport } from './pushReport.js'
import { ShardReportError } from './reports.js'

// A shard job runs a PR's content: its report may claim only what the plan gave it. Each
// target is reported once, by the shard whose branches hold it, and the shards together
// report every target of the plan; otherwise the merge fails naming the shard.

interface Claim {
  file: string
  shard: string
}

const described = (c: Claim) => `shard ${c.shard} (${c.file})`

function entryOf(plan: ShardMatrix, shard: string, file: string): ShardEntry {
  const entry = plan.include[parseShardId(shard, `${file}: its shard`).index - 1]
  if (!entry) throw new ShardReportError(`${file} is shard ${shard}, which the plan does not have`)
  return entry
}

/** Does the shard of `entry` own `branch`? Its own; one the plan does not know is shard 1's. */
function ownsBranch(plan: ShardMatrix, entry: ShardEntry, branch: string): boolean {
  if (entry.branches.includes(branch)) return true
  return entry.shard.startsWith('1/') && !plan.include.some(e => e.branches.includes(branch))
}

/**
 * The diff reports' targets against the plan: a target twice, a target of another shard's,
 * one the plan does not have (except a target only the base has, on the shard that owns its
 * branch), a finding for a target the shard did not report, or a target of the plan that no
 * shard reported is a ShardReportError naming the shard. Without a plan: only duplicates.
 */
export function checkDiffClaims(parts: readonly DiffShardReport[], plan?: ShardMatrix): void {
  const planned = new Map<string, string>()
  for (const entry of plan?.include ?? [])
    for (const name of entry.targetNames) planned.set(name, entry.shard)
  const seen = new Map<string, Claim>()
  for (const part of parts) {
    const claim = { file: part.file, shard: part.stamp.id }
    const entry = plan && entryOf(plan, claim.shard, claim.file)
    const own = new Set<string>()
    for (const target of part.report.targets) {
      const earlier = seen.get(target.name)
      if (earlier)
        throw new ShardReportError(
          earlier.file === claim.file
            ? `${described(claim)} reports target ${JSON.stringify(target.name)} twice`
            : `${described(claim)} reports target ${JSON.stringify(target.name)}, which ${described(earlier)} reports too`
        )
      seen.set(target.name, claim)
      own.add(target.name)
      if (!plan || !entry) continue
      const owner = planned.get(target.name)
      if (owner !== undefined && owner !== claim.shard)
        throw new ShardReportError(
          `${described(claim)} reports target ${JSON.stringify(target.name)}, which the plan gives shard ${owner}`
        )
      if (
        owner === undefined &&
        !(target.status === 'removed' && ownsBranch(plan, entry, target.branch))
      )
        throw new ShardReportError(
          `${described(claim)} reports target ${JSON.stringify(target.name)}, which is not in the plan`
        )
    }
    for (const finding of part.report.findings)
      if (!own.has(finding.target))
        throw new ShardReportError(
          `${described(claim)} reports a finding for target ${JSON.stringify(finding.target)}, which it did not report`
        )
  }
  for (const [name, shard] of planned)
    if (!seen.has(name)) {
      const part = parts.find(p => p.stamp.id === shard)
      throw new ShardReportError(
        `${part ? described({ file: part.file, shard }) : `shard ${shard}`} did not report target ${JSON.stringify(name)} of its plan: the merged report would not be the whole`
      )
    }
}

/**
 * The push reports' branches against the plan: each branch once, by the shard the plan gave
 * it (or its retired branches), naming only targets of that shard as changed.
 */
export function checkPushClaims(
  parts: ReadonlyArray<{ file: string; stamp: { id: string }; report: PushShardReport }>,
  plan?: ShardMatrix
): void {
  const seen = new Map<string, Claim>()
  for (const part of parts) {
    const claim = { file: part.file, shard: part.stamp.id }
    const entry = plan && entryOf(plan, claim.shard, claim.file)
    const branches = [
      ...part.report.branches.map(b => b.branch),
      ...part.report.environments.flatMap(e => [e.branch])
    ]
    for (const branch of part.report.branches.map(b => b.branch)) {
      const earlier = seen.get(branch)
      if (earlier)
        throw new ShardReportError(
          `${described(claim)} reports branch ${JSON.stringify(branch)}, which ${earlier.file === claim.file ? 'it' : described(earlier)} reports too`
        )
      seen.set(branch, claim)
    }
    if (!entry) continue
    const allowed = new Set([...entry.branches, ...entry.retired])
    const foreign = branches.find(b => !allowed.has(b))
    if (foreign !== undefined)
      throw new ShardReportError(
        `${described(claim)} reports branch ${JSON.stringify(foreign)}, which the plan does not give it`
      )
    const names = new Set(entry.targetNames)
    const stranger = part.report.branches
      .flatMap(b => b.changedTargets)
      .find(name => !names.has(name))
    if (stranger !== undefined)
      throw new ShardReportError(
        `${described(claim)} reports target ${JSON.stringify(stranger)} as changed, which the plan does not give it`
      )
  }
}
