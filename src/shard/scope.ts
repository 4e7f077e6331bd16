import type { HydrateConfig } from '../config/types.js'
import { HydrateError, UsageError } from '../errors.js'
import {
  formatShardId,
  parseShardId,
  planFingerprint,
  type ShardId,
  type ShardMatrix
} from './plan.js'

/** What one shard run may touch, taken from the plan (never recomputed: branches move). */
export interface ShardScope {
  id: ShardId
  /** The plan's fingerprint; checked against the commit and config of the run when set. */
  fingerprint?: string
  /** This shard's branches. */
  branches: ReadonlySet<string>
  /** Every branch the plan assigned, to any shard. */
  assigned: ReadonlySet<string>
  /** Retired branches this shard prunes. */
  retired: readonly string[]
}

export class ShardMismatchError extends HydrateError {}

/** The scope of shard `I/N` in a plan. */
export function shardScope(matrix: ShardMatrix, shard: string, what = '--shard'): ShardScope {
  const id = parseShardId(shard, what)
  if (id.count !== matrix.include.length)
    throw new UsageError(
      `${what} ${formatShardId(id)} does not fit the plan: it has ${matrix.include.length} shard${matrix.include.length === 1 ? '' : 's'}`
    )
  const entry = matrix.include[id.index - 1]
  if (!entry) throw new UsageError(`the plan has no shard ${formatShardId(id)}`)
  return {
    id,
    fingerprint: entry.fingerprint,
    branches: new Set(entry.branches),
    assigned: new Set(matrix.include.flatMap(e => e.branches)),
    retired: entry.retired
  }
}

/**
 * Is a branch this shard's? Its own branches; a branch the plan does not know (only on a
 * diff's base: an environment the change removes) belongs to shard 1, so exactly one
 * shard reports it.
 */
export function ownsBranch(scope: ShardScope, branch: string): boolean {
  return scope.branches.has(branch) || (!scope.assigned.has(branch) && scope.id.index === 1)
}

/**
 * The config as this shard sees it: only the targets of its branches (the others are other
 * shards'). First checks that the run is the one the plan was made for.
 */
export function narrowToShard(
  config: HydrateConfig,
  commit: string,
  scope: ShardScope
): HydrateConfig {
  if (scope.fingerprint !== undefined) {
    const actual = planFingerprint(commit, scope.id.count, config.targets)
    if (actual !== scope.fingerprint)
      throw new ShardMismatchError(
        `shard ${formatShardId(scope.id)}: the plan (fingerprint ${scope.fingerprint}) was made for another commit or target set than ${commit.slice(0, 7)} with ${config.targets.length} targets (fingerprint ${actual}); run hydrate plan on this commit`
      )
  }
  const owns = (t: { branch: string }) => ownsBranch(scope, t.branch)
  return {
    ...config,
    unshardedOrder: config.targets.map(t => t.name),
    targets: config.targets.filter(owns),
    allTargets: config.allTargets.filter(owns)
  }
}
