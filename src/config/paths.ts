import fs from 'node:fs'
import path from 'node:path'
import { systemLinkTarget } from '../security/systemLinks.js'

/**
 * Normalizes a repo-relative path and checks that it stays inside the repository,
 * also after symlinks are followed. Returns the POSIX-style relative path, or an
 * error message.
 */
export function resolveInsideRepo(
  repoRoot: string,
  relative: string
): { ok: true; path: string } | { ok: false; reason: string } {
  if (path.isAbsolute(relative))
    return { ok: false, reason: `must be a path relative to the repository root, not ${relative}` }
  const normalized = path.posix.normalize(relative.replace(/\\/g, '/')).replace(/\/+$/, '')
  if (normalized === '..' || normalized.startsWith('../')) {
    return { ok: false, reason: `${relative} escapes the repository` }
  }
  const realRoot = realRootOf(repoRoot)
  const lexical = path.join(realRoot, normalized)
  let real: string | undefined
  try {
    // realpath(3): one system call, where the JavaScript version stats every component.
    real = fs.realpathSync.native(lexical)
  } catch {
    real = undefined // missing (or a loop): what the tool meets reports it
  }
  // A link through /proc/self/… means another file in each process (helm, kustomize, Argo CD):
  // judged as its text says, existing or not, as a render judges it.
  const system = real === lexical ? undefined : systemLinkTarget(lexical, undefined, realRoot)
  if (system !== undefined)
    return { ok: false, reason: `${relative} resolves to ${system}, a system path, never readable` }
  if (real !== undefined) {
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
      return { ok: false, reason: `${relative} is a symlink that leads outside the repository` }
    }
    if (isGitDirectory(realRoot, real))
      return { ok: false, reason: `${relative} is inside the repository's .git directory` }
  }
  return { ok: true, path: normalized === '.' ? '' : normalized }
}

const realRoots = new Map<string, string>()

/** The repository root's real path (asked once per root: a config resolves many paths). */
function realRootOf(repoRoot: string): string {
  let real = realRoots.get(repoRoot)
  if (real === undefined) {
    try {
      real = fs.realpathSync.native(repoRoot)
    } catch {
      return path.resolve(repoRoot) // no repository there: nothing to resolve inside it
    }
    realRoots.set(repoRoot, real)
  }
  return real
}

/** `real` is the repository's .git directory or inside it (credentials live in .git/config). */
export function isGitDirectory(realRoot: string, real: string): boolean {
  const gitDir = path.join(realRoot, '.git')
  return real === gitDir || real.startsWith(gitDir + path.sep)
}

/**
 * Files hydrate writes at the branch root. A target path may not be (or start with) one of
 * them: its directory would replace the file, or the file would land inside the target.
 */
export const RESERVED_ROOT_NAMES = [
  'hydrator.metadata',
  'README.md',
  '.gitattributes',
  'hydrate.state.json'
] as const

/**
 * A segment git refuses in a tree (fsck's hasDotgit): `.git` in any case, with trailing dots
 * or spaces (NTFS), with ignorable Unicode (HFS+), or its 8.3 short name.
 */
function isDotGit(segment: string): boolean {
  const folded = segment
    .toLowerCase()
    .replace(/[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g, '')
    .replace(/[. ]+$/, '')
  return folded === '.git' || folded === 'git~1'
}

/** An output path inside a branch: relative, no `..`, not the branch root, not `.git`, not reserved. */
export function checkOutputPath(value: string): string | undefined {
  if (value.startsWith('/')) return 'must be relative to the branch root'
  const normalized = path.posix.normalize(value).replace(/\/+$/, '')
  if (normalized === '.' || normalized === '') return 'must name a directory below the branch root'
  if (normalized === '..' || normalized.startsWith('../')) return 'escapes the branch root'
  const segments = normalized.split('/')
  if (segments.some(isDotGit)) return 'must not contain .git (in any spelling): git refuses it'
  const first = (segments[0] as string).toLowerCase()
  const reserved = RESERVED_ROOT_NAMES.find(name => name.toLowerCase() === first)
  if (reserved)
    return `is reserved: hydrate writes ${reserved} at the branch root; choose another directory`
  return undefined
}

export function normalizeOutputPath(value: string): string {
  return path.posix.normalize(value).replace(/\/+$/, '')
}
