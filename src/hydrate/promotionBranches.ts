import type { PromotionEnvironment } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { Logger } from '../logger.js'
import type { BranchPlan } from './plan.js'
import { localRef, type RemoteState } from './remoteState.js'

// The branch side of promotion (docs/adr/0015): a promotion branch starts from
// its environment branch, so the two always share history, and an autoMerge environment's
// branch moves by fast-forward only, in the hydration's atomic push.

/** What a push did (or would do) to one environment branch. */
export interface EnvironmentUpdate {
  env: string
  /** The environment branch. */
  branch: string
  /** Its promotion branch. */
  next: string
  autoMerge: boolean
  /** The environment branch's tip before the push. */
  previous?: string
  /** The commit the environment branch is set to (created or fast-forwarded), if it moves. */
  pushed?: string
  /**
   * created: the environment branch did not exist (Argo CD's empty initial commit, or the
   * promotion branch for an autoMerge environment); fast-forwarded; unchanged; diverged: it
   * has commits its promotion branch lacks, so it is left alone (nothing is forced);
   * missing: it is gone while its promotion branch exists.
   */
  action: 'created' | 'fast-forwarded' | 'unchanged' | 'diverged' | 'missing'
  reason?: string
}

/** The environment branches to inspect with the promotion branches among `branches`. */
export function environmentBranchesOf(
  environments: readonly PromotionEnvironment[],
  branches: readonly string[]
): string[] {
  return environments.filter(e => branches.includes(e.next)).map(e => e.branch)
}

/**
 * A promotion branch missing on the remote starts as its environment branch: the same tip,
 * tree, recorded dry commit and state file (Argo CD's `CheckoutOrNew` from the sync branch).
 * Returns the remote as the plan should see it, and the promotion branches seeded so.
 */
export function seedPromotionBranches(
  remote: RemoteState,
  environments: readonly PromotionEnvironment[]
): { remote: RemoteState; seeded: Set<string> } {
  const seeded = new Set<string>()
  const copy: RemoteState = {
    ...remote,
    tips: new Map(remote.tips),
    trees: new Map(remote.trees),
    recorded: new Map(remote.recorded),
    states: new Map(remote.states)
  }
  for (const { branch, next } of environments) {
    const tip = remote.tips.get(branch)
    if (remote.tips.has(next) || !tip) continue
    seeded.add(next)
    copy.tips.set(next, tip)
    const tree = remote.trees.get(branch)
    if (tree) copy.trees.set(next, tree)
    const recorded = remote.recorded.get(branch)
    if (recorded) copy.recorded.set(next, recorded)
    const state = remote.states.get(branch)
    if (state) copy.states.set(next, state)
  }
  return { remote: copy, seeded }
}

/**
 * Refspecs for what the branch commits alone do not push: a seeded promotion branch that
 * gets no commit of its own (it starts at its environment branch's tip), a missing
 * environment branch (Argo CD pushes its empty initial commit), and the fast-forward of each
 * autoMerge environment branch to its promotion branch.
 */
export async function environmentRefspecs(options: {
  git: GitCommandManager
  remote: string
  logger: Logger
  environments: readonly PromotionEnvironment[]
  plans: readonly BranchPlan[]
  /** The remote as inspected (not seeded). */
  state: RemoteState
  seeded: ReadonlySet<string>
}): Promise<{ refspecs: string[]; updates: EnvironmentUpdate[] }> {
  const { state, seeded } = options
  const refspecs: string[] = []
  const updates: EnvironmentUpdate[] = []
  for (const environment of options.environments) {
    const { env, branch, next, autoMerge } = environment
    const plan = options.plans.find(p => p.branch === next)
    if (!plan) continue // not written by this run (a --target subset elsewhere)
    const previous = state.tips.get(branch)
    const nextBefore = state.tips.get(next) ?? (seeded.has(next) ? previous : undefined)
    const nextAfter = plan.commit ?? nextBefore
    const update = (
      action: EnvironmentUpdate['action'],
      pushed?: string,
      reason?: string
    ): void => {
      updates.push({ env, branch, next, autoMerge, previous, pushed, action, reason })
      if (pushed) refspecs.push(`${pushed}:refs/heads/${branch}`)
    }
    if (seeded.has(next) && !plan.commit && previous)
      refspecs.push(`${previous}:refs/heads/${next}`)
    if (!previous) {
      if (plan.initialCommit)
        update('created', autoMerge ? (plan.commit ?? plan.initialCommit) : plan.initialCommit)
      else if (autoMerge && nextAfter) update('created', nextAfter)
      else
        update(
          'missing',
          undefined,
          `${branch} does not exist while ${next} does; create it from ${next} to promote`
        )
      continue
    }
    if (!autoMerge || !nextAfter || nextAfter === previous) {
      update('unchanged')
      continue
    }
    // The new commit's parent is nextBefore: env → nextBefore is the fast-forward to prove.
    const proven =
      nextBefore !== undefined &&
      (nextBefore === previous ||
        (await isAncestorDeepening(options.git, options.remote, previous, next, nextBefore)))
    if (proven) update('fast-forwarded', nextAfter)
    else {
      const reason = `${branch} has commits that ${next} does not; it is not fast-forwarded (nothing is forced): merge ${branch} into ${next}, or reset it to ${next}`
      options.logger.warning(reason)
      update('diverged', undefined, reason)
    }
  }
  return { refspecs, updates }
}

/**
 * `merge-base --is-ancestor`, deepening a shallow fetch of the promotion branch when the
 * answer may only be missing history (actions/checkout clones at depth 1).
 */
async function isAncestorDeepening(
  git: GitCommandManager,
  remote: string,
  ancestor: string,
  branch: string,
  descendant: string
): Promise<boolean> {
  const check = async () =>
    (await git.exec(['merge-base', '--is-ancestor', ancestor, descendant], { allowFailure: true }))
      .exitCode === 0
  if (await check()) return true
  for (const depth of ['--deepen=50', '--deepen=500']) {
    if ((await git.output(['rev-parse', '--is-shallow-repository'])).trim() !== 'true') return false
    await git.exec(
      [
        'fetch',
        '--no-tags',
        '--no-write-fetch-head',
        '--quiet',
        depth,
        remote,
        `+refs/heads/${branch}:${localRef('remote', branch)}`
      ],
      { allowFailure: true }
    )
    if (await check()) return true
  }
  return false
}
