import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HydrateError, UsageError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { GitCommandManager } from './commandManager.js'
import { redactUrl, redactUrls } from './redact.js'

/**
 * A ref or remote from a user (a flag, an action input) is never an option: refused when it
 * starts with `-`, and passed after `--end-of-options` anyway.
 */
export function checkUserRef(value: string, what: string): string {
  if (value.startsWith('-') || value.includes('\0'))
    throw new UsageError(
      `${what} must be a branch, tag, commit or remote, not ${JSON.stringify(value)}`
    )
  return value
}

export async function isShallow(git: GitCommandManager): Promise<boolean> {
  return (await git.output(['rev-parse', '--is-shallow-repository'])).trim() === 'true'
}

async function verify(git: GitCommandManager, ref: string): Promise<string | undefined> {
  const result = await git.exec(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    { allowFailure: true }
  )
  return result.exitCode === 0 ? result.stdout.trim() : undefined
}

/**
 * Resolves a ref or SHA to a commit, fetching it from `remote` when this clone does not have
 * it (actions/checkout makes depth-1 clones: the PR base is usually missing).
 */
export async function resolveCommit(
  git: GitCommandManager,
  ref: string,
  remote = 'origin'
): Promise<string> {
  checkUserRef(ref, 'the ref')
  checkUserRef(remote, 'the remote')
  const local = await verify(git, ref)
  if (local) return local
  const fetched = await git.exec(
    ['fetch', '--no-tags', '--quiet', '--depth=1', '--end-of-options', remote, ref],
    { allowFailure: true }
  )
  const after =
    fetched.exitCode === 0
      ? ((await verify(git, ref)) ?? (await verify(git, 'FETCH_HEAD')))
      : undefined
  if (!after)
    throw new HydrateError(
      `cannot find ${ref} here or on ${redactUrl(remote)}${fetched.stderr.trim() ? `: ${redactUrls(fetched.stderr.trim())}` : ''}`
    )
  return after
}

/**
 * The merge-base of two commits. In a shallow clone the history is deepened in steps (only
 * as much as needed), then unshallowed; if there is still none, `base` itself is used.
 */
export async function mergeBase(
  git: GitCommandManager,
  base: string,
  head: string,
  logger: Logger,
  remote = 'origin'
): Promise<string> {
  const attempt = async () => {
    const result = await git.exec(['merge-base', '--end-of-options', base, head], {
      allowFailure: true
    })
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }
  let found = await attempt()
  for (const depth of ['--depth=50', '--depth=500', '--unshallow']) {
    if (found || !(await isShallow(git))) break
    logger.debug(
      `deepening the clone (${depth}) to find the merge-base of ${base.slice(0, 7)} and ${head.slice(0, 7)}`
    )
    await git.exec(
      ['fetch', '--no-tags', '--quiet', depth, '--end-of-options', remote, base, head],
      {
        allowFailure: true
      }
    )
    found = await attempt()
  }
  if (!found) {
    logger.warning(
      `no merge-base of ${base.slice(0, 7)} and ${head.slice(0, 7)}; comparing with ${base.slice(0, 7)} itself`
    )
    return base
  }
  return found
}

/** Runs `fn` on a temporary detached worktree of `commit`, removed afterwards. */
export async function withWorktree<T>(
  git: GitCommandManager,
  commit: string,
  fn: (dir: string) => Promise<T>
): Promise<T> {
  const worktree = new TemporaryWorktree(git, commit)
  try {
    return await fn(await worktree.dir())
  } finally {
    await worktree.remove()
  }
}

/**
 * A temporary detached worktree of `commit`, checked out on first use (a checkout costs
 * as much as the repository is large) and removed by `remove()`.
 */
export class TemporaryWorktree {
  private created: Promise<{ parent: string; dir: string }> | undefined

  constructor(
    private readonly git: GitCommandManager,
    private readonly commit: string
  ) {}

  get used(): boolean {
    return this.created !== undefined
  }

  async dir(): Promise<string> {
    this.created ??= (async () => {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-worktree-'))
      const dir = path.join(parent, 'tree')
      try {
        await this.git.exec(['worktree', 'add', '--detach', '--quiet', dir, this.commit])
      } catch (error) {
        fs.rmSync(parent, { recursive: true, force: true })
        throw error
      }
      return { parent, dir }
    })()
    return (await this.created).dir
  }

  async remove(): Promise<void> {
    const created = await this.created?.catch(() => undefined)
    this.created = undefined
    if (!created) return
    await this.git.exec(['worktree', 'remove', '--force', created.dir], { allowFailure: true })
    fs.rmSync(created.parent, { recursive: true, force: true })
    await this.git.exec(['worktree', 'prune'], { allowFailure: true })
  }
}
