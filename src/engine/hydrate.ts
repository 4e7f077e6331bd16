import { GitAuthHelper } from '../git/auth.js'
import { GitCommandManager } from '../git/commandManager.js'
import { checkUserRef } from '../git/revisions.js'
import type { HydrateConfig } from '../config/types.js'
import {
  BranchWriter,
  type BranchState,
  type Identity,
  type WriteResult
} from '../hydrate/branchWriter.js'
import { selectIncremental, type Selection } from '../hydrate/incremental.js'
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
    let writer: BranchWriter | undefined
    let state: BranchState | undefined
    // Before rendering: what each branch holds, so unaffected targets keep their output.
    const select = async (config: HydrateConfig): Promise<Selection> => {
      writer = new BranchWriter({
        git,
        remote: options.remote ?? 'origin',
        committer,
        logger,
        prune: config.defaults.prune,
        dryRun: options.dryRun,
        maxAttempts: options.maxAttempts,
        backoffMs: options.backoffMs,
        beforePush: options.beforePush
      })
      state = await writer.inspect([...new Set(config.targets.map(t => t.branch))].sort())
      return selectIncremental({ config, state, writer, git, toolbox, logger, full: options.full })
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
    const write = await logger.group(
      options.dryRun ? 'Plan branches (dry run)' : 'Write and push branches',
      () => activeWriter.write(render.dry, render.layouts, state)
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
