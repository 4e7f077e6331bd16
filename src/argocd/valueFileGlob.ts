import fs from 'node:fs'
import path from 'node:path'
import { compileGlob, GlobError } from '../security/glob.js'

// Argo CD 3.5's value file globs (repository.go getResolvedValueFiles, :1536): a resolved path
// holding `*`, `?` or `[` is expanded with doublestar.FilepathGlob — `*` within a name (dot
// names too), `**` any number of directories, `[…]` classes, `{a,b}` alternatives — and the
// matches come in the order of its walk: names sorted, directory by directory.

/** Argo CD's isGlobPath: only these make a value file a glob (`{` alone does not). */
export function isGlobPath(file: string): boolean {
  return /[*?[]/.test(file)
}

/** Why a value file glob cannot be expanded as Argo CD does, named in the Application's finding. */
export class ValueFileGlobError extends Error {}

/**
 * The repository files a repo-relative glob matches, in doublestar's order. A match that is a
 * directory is refused: Argo CD hands it to helm, whose render then fails.
 */
export function expandValueFileGlob(repoRoot: string, pattern: string): string[] {
  const segments = pattern.split('/')
  if (segments.at(-1) === '**')
    throw new ValueFileGlobError(
      `glob ${pattern} ends in **, which matches directories (helm cannot read a directory as values)`
    )
  if (/\{[^}]*\.\.[^}]*\}/.test(pattern))
    throw new ValueFileGlobError(`glob ${pattern}: {a..b} ranges are not doublestar syntax`)
  let matches: (name: string) => boolean
  try {
    matches = compileGlob(pattern, { dot: true, nonegate: true, nocomment: true, noext: true })
  } catch (error) {
    if (error instanceof GlobError) throw new ValueFileGlobError(error.message)
    throw error
  }
  // Walk from the longest leading run of names without glob characters.
  const firstMagic = segments.findIndex(s => /[*?[{\\]/.test(s))
  const base = segments.slice(0, firstMagic).join('/')
  const found: string[] = []
  const realRoot = fs.realpathSync(repoRoot)
  const ancestors = new Set<string>()
  // Without `**` (or braces, which may hold a `/`) no match lies deeper than the pattern.
  const maxDepth = /\*\*|\{/.test(pattern) ? Infinity : segments.length
  const walk = (relative: string, depth: number) => {
    const absolute = path.join(repoRoot, relative)
    const real = fs.realpathSync(absolute)
    if (ancestors.has(real) || (real !== realRoot && !real.startsWith(realRoot + path.sep))) return
    ancestors.add(real)
    for (const name of fs.readdirSync(absolute).sort()) {
      if (relative === '' && name === '.git') continue
      const child = relative ? `${relative}/${name}` : name
      const stat = fs.statSync(path.join(repoRoot, child), { throwIfNoEntry: false })
      if (!stat) continue
      if (matches(child)) {
        if (stat.isDirectory())
          throw new ValueFileGlobError(
            `glob ${pattern} matches the directory ${child} (helm cannot read a directory as values)`
          )
        found.push(child)
      }
      if (stat.isDirectory() && depth + 1 < maxDepth) walk(child, depth + 1)
    }
    ancestors.delete(real)
  }
  const start = fs.statSync(path.join(repoRoot, base || '.'), { throwIfNoEntry: false })
  if (start?.isDirectory()) walk(base, firstMagic)
  return found.sort(bySegments)
}

/** doublestar's order: name by name, so `a/b` comes before `a-c` (byte order would not). */
function bySegments(a: string, b: string): number {
  const x = a.split('/')
  const y = b.split('/')
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = Buffer.compare(Buffer.from(x[i] as string), Buffer.from(y[i] as string))
    if (c !== 0) return c
  }
  return x.length - y.length
}
