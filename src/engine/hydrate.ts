import { GitCommandManager } from '../git/commandManager.js'
import { checkSigningKey } from '../git/commitSigner.js'
import type { RemoteAuth } from '../git/auth.js'
import { Ancestry } from '../git/objects.js'
import {
  BranchWriter,
  type Identity,
  type RemoteState,
  type WriteResult
} from '../hydrate/branchWriter.js'
import { selectIncremental, type Selection } from '../hydrate/incremental.js'
import { formerBranches } from '../hydrate/ownership.js'
import { planPromotions, type PromotionResult } from '../promotion/plan.js'
import { seedPromotionBranches } from '../hydrate/promotionBranches.js'
import { recordInputs } from '../hydrate/recordedInputs.js'
import { mergeRemote } from '../hydrate/remoteState.js'
import { guardRollback, type RollbackPolicy } from '../hydrate/rollback.js'
import type { FailOn } from '../policy/index.js'
import { ChartCache, chartCacheDir } from '../render/chartCache.js'
import { Toolbox } from '../render/tools.js'
import {
  provenanceStatement,
  type ProvenanceRun,
  type ProvenanceStatement
} from '../provenance/statement.js'
import { DependencyIndex } from '../targets/dependencyIndex.js'
import {
  checkLayouts,
  loadRepository,
  renderSelection,
  type EngineOptions,
  type LoadedRepository,
  type RepositoryRender
} from './render.js'
import { pushedImages, type PushedImages } from './images.js'
import { enforceVerdict, renderVerdict } from './verdict.js'
import { withRemoteGit } from './remoteGit.js'
import { configTargetsByCommit } from './configHistory.js'
import { refuseDryBranches } from '../config/dryBranches.js'
import { dryBranches } from './dryBranches.js'

export interface HydrateOptions extends EngineOptions {
  /** Remote name or URL of the repository that holds the environment branches. */
  remote?: string
  dryRun?: boolean
  committer?: Identity
  /** Token auth for an HTTPS remote (the action's `token`). */
  auth?: RemoteAuth
  maxAttempts?: number
  backoffMs?: number
  beforePush?: (attempt: number) => Promise<void>
  /** Warnings block too with 'warning'; errors always block a push. */
  failOn?: FailOn
  /** Render every target, not only those affected since each branch's recorded dry commit. */
  full?: boolean
  /**
   * Sign every commit with this private key (SSH or PGP, unencrypted; docs/adr/0035). It is
   * written to a private temporary folder (under `tempDir`) only while commits are made.
   */
  signingKey?: { text: string; tempDir?: string }
  /** Who runs the push: with it, a provenance statement of what was pushed (docs/provenance.md). */
  provenance?: ProvenanceRun
  /**
   * After a push, the images and the number of resources it changed ('changes'), or also every
   * image on the branches ('all'): one reading of the changed targets' output before and after.
   */
  images?: 'changes' | 'all'
  /**
   * A commit that does not descend from what the branches record (docs/adr/0038). Default
   * 'skip-older': a late run of an older commit skips, any other such commit is refused.
   */
  rollback?: RollbackPolicy
}

export interface RepositoryHydration {
  render: RepositoryRender
  write: WriteResult
  /** With `promotion:` (and a push): where each environment's promotion stands. */
  promotion?: PromotionResult
  /** With `provenance` and a push that made commits: the in-toto statement. */
  provenance?: ProvenanceStatement
  /** With `images` and a push: images and resources per branch that the push changed. */
  images?: PushedImages
}

export const DEFAULT_COMMITTER: Identity = {
  name: 'hydrate',
  email: 'hydrate@users.noreply.github.com'
}

/** The plan stage of a push: what each branch holds, and so what must be rendered. */
interface HydrationPlan {
  writer: BranchWriter
  ancestry: Ancestry
  remote: RemoteState
  selection: Selection
  /** A --target subset: only its paths change; nothing is pruned. */
  subset: boolean
  /** Branches our earlier configs wrote that the current one no longer does (retired). */
  former: string[]
}

async function planHydration(
  loaded: LoadedRepository,
  git: GitCommandManager,
  options: HydrateOptions,
  toolbox: Toolbox,
  committer: Identity
): Promise<HydrationPlan> {
  const { config, dry } = loaded
  const { logger } = options
  const ancestry = new Ancestry(git, logger)
  // What each target reads, found once: for incremental selection and the inputs notes.
  const index = new DependencyIndex(loaded.repoRoot)
  const targetsAt = configTargetsByCommit(git, config, logger)
  const writer = new BranchWriter({
    git,
    remote: options.remote ?? 'origin',
    committer,
    logger,
    prune: config.defaults.prune,
    ancestry,
    targetsAt,
    promotion: config.promotion?.environments,
    // Recorded only from a clean tree: it must be what the dry commit reads.
    recordInputs: loaded.dirty
      ? undefined
      : target => recordInputs(target, index.of(target), dry.sha),
    dryRun: options.dryRun,
    signingKey: options.signingKey,
    allowRollback: options.rollback === 'allow',
    // Shards share one notes ref: each round of rejections lets at least one through.
    maxAttempts:
      options.maxAttempts ?? (options.shard ? Math.max(5, options.shard.id.count + 2) : undefined),
    backoffMs: options.backoffMs,
    maxBackoffMs: options.shard ? 8000 : undefined,
    beforePush: options.beforePush
  })
  const subset = config.targets.length < config.allTargets.length
  const branches = [...new Set(config.targets.map(t => t.branch))].sort()
  let remote = await writer.inspect(branches)
  let former: string[] = []
  if (options.shard) {
    // The plan found the retired branches from every branch's record and gave each to one shard.
    if (!subset) former = [...options.shard.retired]
    if (former.length > 0) remote = mergeRemote(remote, await writer.inspect(former))
  } else if (!subset) {
    former = await formerBranches({
      git,
      remote,
      branches,
      configFile: config.file,
      ancestry,
      targetsAt
    })
    // With promotion, the environment branches are promotion's, never retired ones.
    const environmentBranches = new Set(config.promotion?.environments.map(e => e.branch))
    former = former.filter(branch => !environmentBranches.has(branch))
    if (former.length > 0) remote = mergeRemote(remote, await writer.inspect(former))
  }
  const rollback = options.rollback ?? 'skip-older'
  // Before anything renders: a refused rollback touches nothing.
  await guardRollback({ git, ancestry, remote, drySha: dry.sha, policy: rollback, logger })
  const selection = await selectIncremental({
    config,
    // A promotion branch still to be created starts as its environment branch.
    remote: seedPromotionBranches(remote, config.promotion?.environments ?? []).remote,
    ancestry,
    git,
    toolbox,
    logger,
    // A deliberate rollback renders everything: what an older commit reads is not noted.
    full: options.full || rollback === 'allow',
    index
  })
  return { writer, ancestry, remote, selection, subset, former }
}

/**
 * load → plan (what each branch holds) → render the selection → all-or-nothing check → one
 * commit per branch → one atomic push. Nothing is pushed when any target fails to render.
 */
export async function hydrateRepository(options: HydrateOptions): Promise<RepositoryHydration> {
  const { logger } = options
  if (options.signingKey) checkSigningKey(options.signingKey.text)
  return withRemoteGit(options, async (git, repoRoot) => {
    const committer = options.committer ?? (await gitIdentity(git)) ?? DEFAULT_COMMITTER
    const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
    const chartCache =
      options.chartCache ?? new ChartCache(chartCacheDir(options.env ?? process.env), logger)
    const engine = { ...options, repoRoot, toolbox, chartCache }
    const render = await logger.group('Render', async () => {
      const loaded = await loadRepository(engine)
      refuseDryBranches(
        loaded.config,
        await dryBranches(git, { remote: options.remote ?? 'origin' })
      )
      const plan = await planHydration(loaded, git, options, toolbox, committer)
      return { plan, render: await renderSelection(loaded, plan.selection, engine) }
    })
    const { plan } = render
    // Nothing that breaks a rule at error level is ever pushed, whatever fail-on says.
    enforceVerdict(
      renderVerdict(render.render, options.failOn === 'warning' ? 'warning' : 'error'),
      logger
    )
    if (options.guard) checkLayouts(render.render.layouts, options.guard)
    const scope = {
      targets: render.render.config.allTargets,
      subset: plan.subset,
      former: plan.former
    }
    const write = await logger.group(
      options.dryRun ? 'Plan branches (dry run)' : 'Write and push branches',
      () => plan.writer.write(render.render.dry, render.render.layouts, scope, plan.remote)
    )
    for (const branch of write.branches) if (branch.reason) logger.warning(branch.reason)
    const { config } = render.render
    const promotion =
      // A shard leaves promotion to the report job, which sees every environment at once.
      config.promotion && !options.dryRun && !options.shard
        ? await logger.group('Promotion', async () =>
            planPromotions({
              git,
              // The branches as the push left them (also when another run moved them since).
              remote: await plan.writer.inspect(
                (config.promotion?.environments ?? []).map(e => e.next)
              ),
              environments: config.promotion?.environments ?? [],
              ordered: config.promotion?.ordered,
              updates: write.environments,
              drySha: render.render.dry.sha,
              ancestry: plan.ancestry,
              targets: config.allTargets,
              diff: config.diff
            })
          )
        : undefined
    const provenance =
      options.provenance && write.pushed
        ? await provenanceStatement({
            git,
            dry: render.render.dry,
            branches: write.branches,
            configFile: config.file,
            targets: config.allTargets,
            tools: await toolbox.found(),
            charts: await chartCache.used(),
            run: options.provenance
          })
        : undefined
    const images =
      options.images && write.pushed
        ? await pushedImages(
            git,
            config.allTargets,
            write.branches,
            plan.remote,
            options.images === 'all'
          )
        : undefined
    // Every git process of the run's plumbing: inspection, change detection, writes, push.
    return {
      render: render.render,
      write: { ...write, gitProcesses: git.processes },
      promotion,
      provenance,
      images
    }
  })
}

async function gitIdentity(git: GitCommandManager): Promise<Identity | undefined> {
  const name = (await git.exec(['config', 'user.name'], { allowFailure: true })).stdout.trim()
  const email = (await git.exec(['config', 'user.email'], { allowFailure: true })).stdout.trim()
  return name && email ? { name, email } : undefined
}
