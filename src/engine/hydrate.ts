import path from 'node:path'
import { loadConfig } from '../config/load.js'
import type { HydrateConfig, Target } from '../config/types.js'
import { getErrorMessage } from '../errors.js'
import { GitAuthHelper } from '../git/auth.js'
import { GitCommandManager } from '../git/commandManager.js'
import { Ancestry } from '../git/objects.js'
import { checkUserRef, resolveCommit, withWorktree } from '../git/revisions.js'
import {
  BranchWriter,
  type Identity,
  type RemoteState,
  type WriteResult
} from '../hydrate/branchWriter.js'
import { selectIncremental, type Selection } from '../hydrate/incremental.js'
import { formerBranches } from '../hydrate/ownership.js'
import { mergeRemote } from '../hydrate/remoteState.js'
import type { Logger } from '../logger.js'
import type { FailOn } from '../policy/index.js'
import { Toolbox } from '../render/tools.js'
import {
  checkLayouts,
  renderRepository,
  resolveRepoRoot,
  type EngineOptions,
  type RepositoryRender
} from './render.js'
import { enforceVerdict, renderVerdict } from './verdict.js'

export interface HydrateOptions extends EngineOptions {
  /** Remote name or URL of the repository that holds the environment branches. */
  remote?: string
  dryRun?: boolean
  committer?: Identity
  /** Token auth for an HTTPS remote (the action's `token`). */
  auth?: { token: string; serverUrl: string }
  maxAttempts?: number
  backoffMs?: number
  beforePush?: (attempt: number) => Promise<void>
  /** Warnings block too with 'warning'; errors always block a push. */
  failOn?: FailOn
  /** Render every target, not only those affected since each branch's recorded dry commit. */
  full?: boolean
}

export interface RepositoryHydration {
  render: RepositoryRender
  write: WriteResult
}

export const DEFAULT_COMMITTER: Identity = {
  name: 'hydrate',
  email: 'hydrate@users.noreply.github.com'
}

/**
 * render → all-or-nothing check → one commit per branch → one atomic push. Nothing is
 * pushed when any target fails to render.
 */
export async function hydrateRepository(options: HydrateOptions): Promise<RepositoryHydration> {
  const { logger } = options
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  if (options.remote !== undefined) checkUserRef(options.remote, 'the remote')
  const auth = options.auth
    ? new GitAuthHelper(options.auth.token, options.auth.serverUrl)
    : undefined
  try {
    const git = new GitCommandManager(repoRoot, auth?.configure() ?? {})
    const committer = options.committer ?? (await gitIdentity(git)) ?? DEFAULT_COMMITTER
    const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
    const ancestry = new Ancestry(git, logger)
    let writer: BranchWriter | undefined
    let remote: RemoteState | undefined
    let subset = false
    let former: string[] = []
    // Before rendering: what each branch holds, so unaffected targets keep their output.
    const select = async (config: HydrateConfig): Promise<Selection> => {
      const configs = new Map<string, Promise<readonly Target[] | undefined>>()
      const targetsAt = (drySha: string) => {
        let targets = configs.get(drySha)
        if (!targets) {
          targets = configTargetsAt(git, drySha, config, logger)
          configs.set(drySha, targets)
        }
        return targets
      }
      writer = new BranchWriter({
        git,
        remote: options.remote ?? 'origin',
        committer,
        logger,
        prune: config.defaults.prune,
        ancestry,
        targetsAt,
        dryRun: options.dryRun,
        maxAttempts: options.maxAttempts,
        backoffMs: options.backoffMs,
        beforePush: options.beforePush
      })
      subset = config.targets.length < config.allTargets.length
      const branches = [...new Set(config.targets.map(t => t.branch))].sort()
      remote = await writer.inspect(branches)
      if (!subset) {
        former = await formerBranches({
          git,
          remote,
          branches,
          configFile: config.file,
          ancestry,
          targetsAt
        })
        if (former.length > 0) remote = mergeRemote(remote, await writer.inspect(former))
      }
      return selectIncremental({
        config,
        remote,
        ancestry,
        git,
        toolbox,
        logger,
        full: options.full
      })
    }
    const render = await logger.group('Render', () =>
      renderRepository({ ...options, repoRoot, toolbox, select })
    )
    // Nothing that breaks a rule at error level is ever pushed, whatever fail-on says.
    enforceVerdict(
      renderVerdict(render, options.failOn === 'warning' ? 'warning' : 'error'),
      logger
    )
    if (options.guard) checkLayouts(render.layouts, options.guard)
    const activeWriter = writer as unknown as BranchWriter
    const scope = { targets: render.config.allTargets, subset, former }
    const write = await logger.group(
      options.dryRun ? 'Plan branches (dry run)' : 'Write and push branches',
      () => activeWriter.write(render.dry, render.layouts, scope, remote)
    )
    for (const branch of write.branches) if (branch.reason) logger.warning(branch.reason)
    // Every git process of the run's plumbing: inspection, change detection, writes, push.
    return { render, write: { ...write, gitProcesses: git.processes } }
  } finally {
    auth?.remove()
  }
}

async function gitIdentity(git: GitCommandManager): Promise<Identity | undefined> {
  const name = (await git.exec(['config', 'user.name'], { allowFailure: true })).stdout.trim()
  const email = (await git.exec(['config', 'user.email'], { allowFailure: true })).stdout.trim()
  return name && email ? { name, email } : undefined
}

/**
 * The config's targets at an older dry commit, read from a temporary worktree: what a
 * branch written before state files existed holds of ours (ADR 0008). Undefined when that
 * commit or its config cannot be read.
 */
async function configTargetsAt(
  git: GitCommandManager,
  drySha: string,
  current: HydrateConfig,
  logger: Logger
): Promise<readonly Target[] | undefined> {
  const file = current.file
  if (file !== undefined && (path.isAbsolute(file) || file.startsWith('..'))) {
    logger.warning(
      `the config ${file} is outside the repository, so its history is unknown: branches without a state file count as written by someone else`
    )
    return undefined
  }
  try {
    const commit = await resolveCommit(git, drySha)
    return await withWorktree(git, commit, dir =>
      Promise.resolve(loadConfig(dir, { configFile: file }).allTargets)
    )
  } catch (error) {
    logger.warning(
      `cannot read the config at ${drySha.slice(0, 7)} (${getErrorMessage(error)}): branches written from it without a state file count as written by someone else`
    )
    return undefined
  }
}
