import type { Logger } from '../logger.js'
import type { GitCommandManager } from './commandManager.js'
import { isShallow } from './revisions.js'

/**
 * Does `descendant` contain `ancestor` (equal, or `ancestor` in its history)? In a shallow
 * clone (actions/checkout's depth 1) the history below `descendant` is cut off, so "no" is
 * only believed once it has been deepened in steps, then unshallowed. A missing `ancestor`
 * is fetched first. Undefined when that history cannot be had.
 */
export async function descendsFrom(
  git: GitCommandManager,
  ancestor: string,
  descendant: string,
  logger: Logger,
  remote = 'origin'
): Promise<boolean | undefined> {
  if (ancestor === descendant) return true
  const check = async () =>
    (
      await git.exec(['merge-base', '--is-ancestor', ancestor, descendant], {
        allowFailure: true
      })
    ).exitCode
  const fetch = (...args: string[]) =>
    git.exec(['fetch', '--no-tags', '--quiet', ...args, '--end-of-options', remote, descendant], {
      allowFailure: true
    })
  let code = await check()
  if (code > 1) {
    await git.exec(
      ['fetch', '--no-tags', '--quiet', '--filter=blob:none', '--end-of-options', remote, ancestor],
      { allowFailure: true }
    )
    code = await check()
  }
  for (const depth of ['--depth=50', '--depth=500', '--unshallow']) {
    if (code === 0 || !(await isShallow(git))) break
    logger.debug(
      `deepening the clone (${depth}) to see whether ${descendant.slice(0, 7)} descends from ${ancestor.slice(0, 7)}`
    )
    await fetch(depth)
    code = await check()
  }
  return code > 1 ? undefined : code === 0
}
