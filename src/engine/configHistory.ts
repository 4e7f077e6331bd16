import path from 'node:path'
import { loadConfig } from './loadConfig.js'
import type { HydrateConfig, Target } from '../config/types.js'
import { getErrorMessage } from '../errors.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { resolveCommit, withWorktree } from '../git/revisions.js'
import type { TargetsAt } from '../hydrate/ownership.js'
import type { Logger } from '../logger.js'

/**
 * The config's targets at an older dry commit, read from a temporary worktree: what a
 * branch written before state files existed holds of ours (ADR 0008). Undefined when that
 * commit or its config cannot be read.
 */
export async function configTargetsAt(
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

/** configTargetsAt, each dry commit read once (each read checks out a worktree). */
export function configTargetsByCommit(
  git: GitCommandManager,
  current: HydrateConfig,
  logger: Logger
): TargetsAt {
  const read = new Map<string, Promise<readonly Target[] | undefined>>()
  return drySha => {
    let targets = read.get(drySha)
    if (!targets) {
      targets = configTargetsAt(git, drySha, current, logger)
      read.set(drySha, targets)
    }
    return targets
  }
}
