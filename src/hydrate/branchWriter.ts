import type { PromotionEnvironment, Target } from '../config/types.js'
import { HydrateError } from '../errors.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { CommitSigner } from '../git/commitSigner.js'
import type { DryCommit } from '../git/dryCommit.js'
import type { Ancestry } from '../git/objects.js'
import { redactUrl, redactUrls } from '../git/redact.js'
import type { Logger } from '../logger.js'
import { buildCommits, type Identity } from './fastImport.js'
import { branchLayout, type BranchLayout } from './layout.js'
import { Ownership, type TargetsAt } from './ownership.js'
import { planBranch, type BranchPlan } from './plan.js'
import {
  environmentBranchesOf,
  environmentRefspecs,
  seedPromotionBranches,
  type EnvironmentUpdate
} from './promotionBranches.js'
import {
  INPUTS_REF,
  inputsDigest,
  nextInputsNote,
  serializeInputs,
  type RecordedInputs
} from './recordedInputs.js'
import { notedAhead } from './notedAhead.js'
import { inspectRemote, NOTES_REF, TIMINGS_REF, type RemoteState } from './remoteState.js'

export type { Identity } from './fastImport.js'
export type { BranchPlan, BranchStatus, FileChange, PrunedPath } from './plan.js'
export { NOTES_REF, type RecordedDry, type RemoteState } from './remoteState.js'
export type { EnvironmentUpdate } from './promotionBranches.js'

export interface WriteResult {
  branches: BranchPlan[]
  /** With promotion: what the push did to each environment branch. */
  environments: EnvironmentUpdate[]
  pushed: boolean
  attempts: number
  gitProcesses: number
}

/** What the branches should hold, beyond the layouts this run rendered. */
export interface WriteScope {
  /** Every target of the config, also those a `--target` subset did not render. */
  targets: readonly Target[]
  /** Only some targets were rendered: the others keep their files; no former branch is visited. */
  subset: boolean
  /** Branches the config wrote at an earlier recorded dry commit and writes no more (retired). */
  former: readonly string[]
}

export interface BranchWriterOptions {
  git: GitCommandManager
  /** Remote name or URL of the hydrated repository. */
  remote: string
  committer: Identity
  logger: Logger
  /** Prune owned paths whose target is gone (docs/adr/0008; defaults.prune). */
  prune: boolean
  /** Ancestry in the dry repository (the ordering guard). */
  ancestry: Ancestry
  /** The config's targets at an older dry commit: ownership of branches without a state file. */
  targetsAt: TargetsAt
  /**
   * What a target reads at the dry commit, noted with the branch (INPUTS_REF); undefined
   * when it cannot be told (then the diff reads the target's dependencies anew).
   */
  recordInputs?: (target: Target) => RecordedInputs | undefined
  /** `promotion:`: the layouts' branches are promotion branches of these environments. */
  promotion?: readonly PromotionEnvironment[]
  dryRun?: boolean
  /** Signs every commit written to a branch (docs/adr/0035): the key, on disk only in `write`. */
  signingKey?: { text: string; tempDir?: string }
  /** Write an older dry commit over a newer one (a deliberate rollback): no ordering guard. */
  allowRollback?: boolean
  maxAttempts?: number
  backoffMs?: number
  /** Upper bound of one wait between attempts (default: none, doubling each time). */
  maxBackoffMs?: number
  /** Test seam: runs after the commits are built and before the push. */
  beforePush?: (attempt: number) => Promise<void>
}

export class PushRejectedError extends HydrateError {}

// A ref that moved between our fetch and our push. The last form is the receiving side's
// compare-and-swap failing on a ref another push updated a moment earlier (shards pushing
// the shared notes refs at once), reported on its own `remote: error:` line.
const RACED =
  /\[rejected\]|\(fetch first\)|non-fast-forward|stale info|\[remote rejected\].*(?:cannot lock|failed to update)|cannot lock ref '[^']*': (?:is at [0-9a-f]+ but expected|reference already exists)/

/**
 * Writes branch layouts as one commit per branch, without a checkout: trees are planned in
 * memory against the remote tips, all commits and the notes commit come from one
 * `git fast-import`, and everything goes out in one atomic push, retried on a race.
 */
export class BranchWriter {
  private readonly git: GitCommandManager

  constructor(private readonly options: BranchWriterOptions) {
    this.git = options.git
  }

  /**
   * The remote state of the branches a run writes, fetched once before rendering
   * (incremental hydration) and reused by the first write attempt.
   */
  inspect(branches: readonly string[]): Promise<RemoteState> {
    const environments = environmentBranchesOf(this.options.promotion ?? [], branches)
    return inspectRemote(this.git, {
      remote: this.options.remote,
      branches: [...new Set([...branches, ...environments])],
      logger: this.options.logger
    })
  }

  async write(
    dry: DryCommit,
    layouts: readonly BranchLayout[],
    scope: WriteScope,
    initial?: RemoteState
  ): Promise<WriteResult> {
    const { signingKey, dryRun } = this.options
    // Renders are done by now: the key is on disk only while commits are made.
    const signer =
      signingKey && !dryRun
        ? await CommitSigner.create(signingKey.text, signingKey.tempDir)
        : undefined
    try {
      return await this.writeSigned(dry, layouts, scope, initial, signer)
    } finally {
      signer?.dispose()
    }
  }

  private async writeSigned(
    dry: DryCommit,
    layouts: readonly BranchLayout[],
    scope: WriteScope,
    initial: RemoteState | undefined,
    signer: CommitSigner | undefined
  ): Promise<WriteResult> {
    const { logger } = this.options
    const maxAttempts = this.options.maxAttempts ?? 5
    const startProcesses = this.git.processes - (initial?.gitProcesses ?? 0)
    const ownership = new Ownership(this.git, this.options.targetsAt, {
      drySha: dry.sha,
      targets: scope.targets
    })
    const result = (
      branches: BranchPlan[],
      environments: EnvironmentUpdate[],
      pushed: boolean,
      attempts: number
    ) => ({
      branches,
      environments,
      pushed,
      attempts,
      gitProcesses: this.git.processes - startProcesses
    })
    const promotion = this.options.promotion ?? []
    for (let attempt = 1; ; attempt++) {
      const remote =
        attempt === 1 && initial
          ? initial
          : await this.inspect([...layouts.map(l => l.branch), ...scope.former])
      // A missing promotion branch is planned on top of its environment branch.
      const seeded = seedPromotionBranches(remote, promotion)
      const plans = await this.plan(dry, layouts, scope, seeded.remote, ownership)
      for (const plan of plans) {
        const environment = promotion.find(e => e.next === plan.branch)
        if (!environment) continue
        plan.initialBranch = environment.branch
        if (seeded.seeded.has(plan.branch) && plan.status !== 'skipped') plan.status = 'created'
      }
      const work = plans.filter(p => p.files || p.note)
      const refspecs =
        work.length > 0 && !this.options.dryRun
          ? await buildCommits(this.git, {
              dry,
              plans,
              notesParent: remote.tips.get(NOTES_REF),
              timingsParent: remote.tips.get(TIMINGS_REF),
              inputsParent: remote.tips.get(INPUTS_REF),
              committer: this.options.committer,
              now: new Date(),
              signer
            })
          : []
      const environments = await environmentRefspecs({
        git: this.git,
        remote: this.options.remote,
        logger,
        environments: promotion,
        plans,
        state: remote,
        seeded: seeded.seeded
      })
      refspecs.push(...environments.refspecs)
      if (this.options.dryRun || refspecs.length === 0)
        return result(plans, environments.updates, false, attempt)
      await this.options.beforePush?.(attempt)
      const push = await this.git.exec(
        ['push', '--atomic', '--porcelain', '--no-verify', this.options.remote, ...refspecs],
        { allowFailure: true }
      )
      if (push.exitCode === 0) return result(plans, environments.updates, true, attempt)
      if (!RACED.test(`${push.stdout}\n${push.stderr}`))
        throw new HydrateError(
          `push to ${redactUrl(this.options.remote)} failed:\n${redactUrls(push.stderr.trim() || push.stdout.trim())}`
        )
      if (attempt >= maxAttempts) {
        throw new PushRejectedError(
          `push rejected ${attempt} times because the branches kept moving; nothing was forced. Run again.`
        )
      }
      const delay = Math.min(
        (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1),
        this.options.maxBackoffMs ?? Infinity
      )
      logger.warning(
        `push rejected: a branch moved since it was fetched (attempt ${attempt}/${maxAttempts}); rebuilding on the new tips in ${delay} ms`
      )
      await new Promise(resolve => setTimeout(resolve, delay))
    }
  }

  /**
   * Is the branch already hydrated from a dry commit newer than this one (ordering guard)?
   * What its commit records decides, never a note (docs/adr/0042).
   */
  private async newer(dry: DryCommit, remote: RemoteState, branch: string): Promise<boolean> {
    const record = remote.recorded.get(branch)
    return (
      !!record &&
      !this.options.allowRollback &&
      record.drySha !== dry.sha &&
      (await this.options.ancestry.isAncestor(dry.sha, record.drySha))
    )
  }

  private async plan(
    dry: DryCommit,
    layouts: readonly BranchLayout[],
    scope: WriteScope,
    remote: RemoteState,
    ownership: Ownership
  ): Promise<BranchPlan[]> {
    const algorithm = dry.sha.length === 64 ? 'sha256' : 'sha1'
    const configured = new Map<string, Set<string>>()
    for (const target of scope.targets)
      configured.set(target.branch, (configured.get(target.branch) ?? new Set()).add(target.path))
    const plans: BranchPlan[] = []
    const planFor = async (layout: BranchLayout, complete: boolean, inputsDigest?: string) =>
      planBranch({
        inputsDigest,
        layout,
        tip: remote.tips.get(layout.branch),
        existing: remote.trees.get(layout.branch) ?? new Map(),
        record: remote.recorded.get(layout.branch),
        owned: await ownership.of(layout.branch, remote),
        configured: configured.get(layout.branch) ?? new Set(),
        prune: this.options.prune,
        complete,
        dry,
        algorithm
      })
    for (const layout of layouts) {
      const record = remote.recorded.get(layout.branch)
      if (record && (await this.newer(dry, remote, layout.branch))) {
        plans.push({
          branch: layout.branch,
          status: 'skipped',
          previous: remote.tips.get(layout.branch),
          changes: [],
          changedTargets: [],
          pruned: [],
          recordedDrySha: record.drySha,
          reason: `${layout.branch} is already hydrated from ${record.drySha.slice(0, 7)}, which is newer than ${dry.sha.slice(0, 7)}`,
          note: false
        })
        continue
      }
      const { recordInputs } = this.options
      const paths = configured.get(layout.branch) ?? new Set<string>()
      // Only the tip's note its state vouches for is carried over (remote.inputs holds no other).
      const inputs = recordInputs
        ? nextInputsNote(
            layout.targets.map(t => t.target),
            recordInputs,
            remote.inputs?.get(layout.branch),
            paths
          )
        : undefined
      const inputsText =
        inputs && Object.keys(inputs).length > 0 ? serializeInputs(inputs) : undefined
      const plan = await planFor(layout, !scope.subset, inputsText && inputsDigest(inputsText))
      if (plan.note && (await notedAhead(this.options, dry, record, plan))) plan.note = !!plan.files // nothing to commit: the newer note stays
      if (plan.note) {
        plan.timings = renderTimings(layout, remote.timings?.get(layout.branch), paths)
        // With a commit only: its state file records the note's digest. A run that commits
        // nothing leaves the tip's note as its state vouches for it.
        if (plan.files) plan.inputs = inputs
      }
      plans.push(plan)
    }
    // Branches none of whose targets remain: what the PR diff called removed goes.
    if (!scope.subset) {
      for (const branch of scope.former) {
        if (configured.has(branch) || !remote.tips.has(branch)) continue
        if (await this.newer(dry, remote, branch)) continue
        const plan = await planFor(branchLayout(dry, branch, []), false)
        if (plan.files) plans.push(plan)
      }
    }
    return plans.sort((a, b) => (a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0))
  }
}

/**
 * The render time of each configured path of a branch: measured now for what this run
 * rendered, carried over from the tip's note for what it kept (incremental hydration, a
 * `--target` subset).
 */
function renderTimings(
  layout: BranchLayout,
  previous: Readonly<Record<string, number>> | undefined,
  configured: ReadonlySet<string>
): Record<string, number> {
  const timings: Record<string, number> = {}
  for (const [dir, ms] of Object.entries(previous ?? {})) if (configured.has(dir)) timings[dir] = ms
  for (const { target, reused, durationMs } of layout.targets)
    if (!reused) timings[target.path] = Math.round(durationMs)
  return timings
}
