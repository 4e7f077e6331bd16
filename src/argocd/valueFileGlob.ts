import fs from 'node:fs'
import path from 'node:path'
import { braceExpand } from 'minimatch'
import { compileGlob, GlobError } from '../security/glob.js'

// Argo CD 3.5's value file globs (repository.go getResolvedValueFiles, :1536): a resolved path
// holding `*`, `?` or `[` is expanded with doublestar.FilepathGlob — `*` within a name (dot
// names too), `**` any number of directories, `[…]` classes, `{a,b}` alternatives — and the
// matches come in the order of its walk: names sorted within a directory, and under `**` a
// directory's own matches before those of its subdirectories.

/** Argo CD's isGlobPath: only these make a value file a glob (`{` alone does not). */
export function isGlobPath(file: string): boolean {
  return /[*?[]/.test(file)
}

/** Why a value file glob cannot be expanded as Argo CD does, named in the Application's finding. */
export class ValueFileGlobError extends Error {}

const ALTERNATIVES_LIMIT = 64

/** The directory a glob's walk starts from: its names before the first one with a wildcard. */
export function globBase(pattern: string): string {
  const names = pattern.split('/')
  const first = names.findIndex(name => /[*?[{\\]/.test(name))
  return names.slice(0, first === -1 ? names.length : first).join('/')
}

/**
 * The repository files a repo-relative glob matches, in doublestar's order (alternatives of
 * `{a,b}` merged in byte order, as its globAlts merges them). A match that is a directory is
 * refused: Argo CD hands it to helm, whose render then fails.
 */
export function expandValueFileGlob(repoRoot: string, pattern: string): string[] {
  if (/\{[^}]*\.\.[^}]*\}/.test(pattern))
    throw new ValueFileGlobError(`glob ${pattern}: {a..b} ranges are not doublestar syntax`)
  const alternatives = braceExpand(pattern, { braceExpandMax: ALTERNATIVES_LIMIT + 1 })
  if (alternatives.length > ALTERNATIVES_LIMIT)
    throw new ValueFileGlobError(`glob ${pattern} has more than ${ALTERNATIVES_LIMIT} alternatives`)
  if (alternatives.length === 1) return expandOne(repoRoot, pattern, alternatives[0] as string)
  const all = new Set(alternatives.flatMap(a => expandOne(repoRoot, pattern, a)))
  return [...all].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

function expandOne(repoRoot: string, pattern: string, alternative: string): string[] {
  const segments = alternative.split('/').filter(s => s !== '')
  if (segments.at(-1) === '**')
    throw new ValueFileGlobError(
      `glob ${pattern} ends in **, which matches directories (helm cannot read a directory as values)`
    )
  const realRoot = fs.realpathSync(repoRoot)
  const statOf = (relative: string) =>
    fs.statSync(path.join(repoRoot, relative || '.'), { throwIfNoEntry: false })
  const children = (dir: string) => {
    try {
      // Sorted byte-wise, as fs.ReadDir sorts; the repository's .git is never read.
      return fs
        .readdirSync(path.join(repoRoot, dir || '.'))
        .filter(name => dir !== '' || name !== '.git')
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        .map(name => (dir ? `${dir}/${name}` : name))
    } catch {
      return [] // unreadable: doublestar ignores I/O errors
    }
  }
  // `**`: the directory, then each subdirectory and its own, depth first (globDoubleStarWalk).
  const preorder = (dir: string, seen: Set<string>): string[] => {
    const real = fs.realpathSync(path.join(repoRoot, dir || '.'))
    if (seen.has(real) || (real !== realRoot && !real.startsWith(realRoot + path.sep))) return []
    const below = new Set(seen).add(real)
    return [
      dir,
      ...children(dir)
        .filter(child => statOf(child)?.isDirectory())
        .flatMap(child => preorder(child, below))
    ]
  }
  let current = ['']
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === '**') {
      current = current.flatMap(dir => preorder(dir, new Set()))
      return
    }
    const join = (dir: string) => (dir ? `${dir}/${segment}` : segment)
    if (!/[*?[\\]/.test(segment)) {
      current = current.map(join).filter(p => (last ? statOf(p) : statOf(p)?.isDirectory()))
      return
    }
    let matches: (name: string) => boolean
    try {
      matches = compileGlob(segment, {
        dot: true,
        nobrace: true,
        nonegate: true,
        nocomment: true,
        noext: true
      })
    } catch (error) {
      if (error instanceof GlobError) throw new ValueFileGlobError(error.message)
      throw error
    }
    current = current.flatMap(dir =>
      children(dir).filter(
        child => matches(path.posix.basename(child)) && (last || statOf(child)?.isDirectory())
      )
    )
  })
  for (const match of current)
    if (statOf(match)?.isDirectory())
      throw new ValueFileGlobError(
        `glob ${pattern} matches the directory ${match} (helm cannot read a directory as values)`
      )
  return current
}
