import type { RemoteAuth } from '../git/auth.js'
import type { DryCommit } from '../git/dryCommit.js'
import { Ancestry } from '../git/objects.js'
import { formerBranches } from '../hydrate/ownership.js'
import { planPromotions, type PromotionResult } from '../promotion/plan.js'
import type { EnvironmentUpdate } from '../hydrate/promotionBranches.js'
import { inspectRemote } from '../hydrate/remoteState.js'
import { planShards, type ShardPlan } from '../shard/plan.js'
import { configTargetsByCommit } from './configHistory.js'
import { loadRepository, type EngineOptions } from './render.js'
import { withRemoteGit } from './remoteGit.js'

export interface ShardPlanOptions extends EngineOptions {
  /** Shards wanted (the plan has fewer when there are fewer branch groups). */
  shards: number
  /** Remote name or URL of the repository that holds the environment branches. */
  remote?: string
  auth?: RemoteAuth
}

/**
 * `hydrate plan`: load → read each branch's render timings and records from the remote →
 * group by branch, balance, and find the retired branches once for all shards.
 */
export async function planRepository(options: ShardPlanOptions): Promise<ShardPlan> {
  const { logger } = options
  const remoteName = options.remote ?? 'origin'
  return withRemoteGit(options, async (git, repoRoot) => {
    const loaded = await loadRepository({ ...options, repoRoot, shard: undefined })
    const { config } = loaded
    const environments = config.promotion?.environments ?? []
    const branches = [...new Set(config.targets.map(t => t.branch))].sort()
    const remote = await inspectRemote(git, {
      remote: remoteName,
      branches: [
        ...new Set([
          ...branches,
          ...environments.map(e => e.branch),
          ...environments.map(e => e.next)
        ])
      ],
      logger
    })
    let retired: string[] = []
    // A --target subset prunes nothing (docs/output-layout.md "Subsets"), so it retires nothing either.
    if (config.targets.length === config.allTargets.length) {
      const ancestry = new Ancestry(git, logger)
      retired = await formerBranches({
        git,
        remote,
        branches,
        configFile: config.file,
        ancestry,
        targetsAt: configTargetsByCommit(git, config, logger)
      })
      const environmentBranches = new Set(environments.map(e => e.branch))
      retired = retired.filter(branch => !environmentBranches.has(branch))
    }
    const plan = planShards({
      commit: loaded.dry.sha,
      count: options.shards,
      targets: config.targets,
      environments,
      renderMs: target => remote.timings?.get(target.branch)?.[target.path],
      retired
    })
    logger.info(
      `${plan.matrix.include.length} shard${plan.matrix.include.length === 1 ? '' : 's'} of ${config.targets.length} targets on ${branches.length} branches, balanced by ${plan.basis}${plan.matrix.include.length < options.shards ? ` (${options.shards} asked for; a branch is never split)` : ''}`
    )
    return plan
  })
}

export interface BranchPromotionOptions extends EngineOptions {
  remote?: string
  auth?: RemoteAuth
  /** What the shard pushes did to the environment branches (from their reports). */
  updates: readonly EnvironmentUpdate[]
}

/**
 * The report job of a sharded push, with `promotion:`: every environment's promotion, from
 * the branches as the shards left them (the same decisions a single-runner push makes).
 * Undefined without `promotion:`.
 */
export async function promotionFromBranches(
  options: BranchPromotionOptions
): Promise<{ promotion: PromotionResult; dry: DryCommit } | undefined> {
  const { logger } = options
  return withRemoteGit(options, async (git, repoRoot) => {
    const loaded = await loadRepository({ ...options, repoRoot, shard: undefined })
    const { config } = loaded
    if (!config.promotion) return undefined
    const environments = config.promotion.environments
    const remote = await inspectRemote(git, {
      remote: options.remote ?? 'origin',
      branches: [...new Set(environments.flatMap(e => [e.next, e.branch]))],
      logger
    })
    const promotion = await planPromotions({
      git,
      remote,
      environments,
      updates: options.updates,
      drySha: loaded.dry.sha,
      ancestry: new Ancestry(git, logger),
      targets: config.allTargets,
      diff: config.diff
    })
    return { promotion, dry: loaded.dry }
  })
}
