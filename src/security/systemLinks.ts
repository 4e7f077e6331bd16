import fs from 'node:fs'
import path from 'node:path'

/** Never readable, whatever a config allows: the runner's process and device files. */
export const SYSTEM_PREFIXES: readonly string[] = ['/proc', '/sys', '/dev']

/** Symlinks followed before giving up, as Linux does (ELOOP): the tool fails on a loop too. */
const MAX_HOPS = 40

function isUnder(prefix: string, file: string): boolean {
  return file === prefix || file.startsWith(prefix + path.sep)
}

/**
 * Where a symlink on the way to `absolute` leads into one of `prefixes` (`/proc`, …), or
 * undefined. Such a link means something else in every process: `/proc/self/cwd` is hydrate's
 * working directory when the guard resolves it and the tool's when the tool opens it, so the
 * resolved path the guard judged is not the file the tool reads.
 */
export function systemLinkTarget(
  absolute: string,
  prefixes: readonly string[] = SYSTEM_PREFIXES,
  /** A prefix of `absolute` known to hold no symlink (a real path): not read again. */
  realPrefix?: string
): string | undefined {
  try {
    // No symlink on the way (the common case): one realpath(3) instead of a readlink each.
    if (fs.realpathSync.native(absolute) === absolute) return undefined
  } catch {
    // missing or a loop: walked below, as the tool would meet it
  }
  const start = realPrefix && isUnder(realPrefix, absolute) ? realPrefix : path.sep
  // Sliced, not path.relative: a `..` after a link means the link target's parent.
  const pending = absolute.slice(start.length).split(path.sep).filter(Boolean)
  let resolved: string = start
  let hops = 0
  while (pending.length > 0) {
    const part = pending.shift() as string
    if (part === '.') continue
    if (part === '..') {
      resolved = path.dirname(resolved)
      continue
    }
    const next = path.join(resolved, part)
    let link: string
    try {
      link = fs.readlinkSync(next)
    } catch {
      resolved = next // not a link, or missing: the tool reports it
      continue
    }
    if (++hops > MAX_HOPS) return undefined
    const target = path.resolve(resolved, link)
    if (prefixes.some(prefix => isUnder(prefix, target))) return path.join(target, ...pending)
    pending.unshift(...target.split(path.sep).filter(Boolean))
    resolved = path.sep
  }
  return undefined
}
