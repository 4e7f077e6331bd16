import fs from 'node:fs'
import path from 'node:path'
import { RE2JS } from '@bufbuild/re2'

export interface DiscoveredSource {
  /** Repo-relative directory. */
  source: string
  /** Values of the pattern's placeholders. */
  captures: Record<string, string>
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map(m => m[1] as string)
}

/** Replaces `{name}` placeholders; returns the names that had no value instead of throwing. */
export function fillTemplate(
  template: string,
  values: Record<string, string>
): { value: string; missing: string[] } {
  const missing: string[] = []
  const value = template.replace(PLACEHOLDER, (whole, name: string) => {
    const replacement = values[name]
    if (replacement === undefined) {
      missing.push(name)
      return whole
    }
    return replacement
  })
  return { value, missing }
}

/**
 * A segment with `{name}` placeholders, matched in linear time (RE2, no backtracking; the
 * pattern is a pull request's). Each placeholder takes the shortest non-empty text after
 * which the rest still matches, as a lazy `([^/]+?)` would.
 */
function segmentMatcher(segment: string): {
  match: (candidate: string) => string[] | undefined
  names: string[]
} {
  const names: string[] = []
  const literals: string[] = []
  let last = 0
  for (const match of segment.matchAll(PLACEHOLDER)) {
    literals.push(segment.slice(last, match.index))
    names.push(match[1] as string)
    last = (match.index ?? 0) + match[0].length
  }
  literals.push(segment.slice(last))
  // rests[i]: placeholder i onwards, as RE2 syntax.
  const rests = literals.map(
    (_, i) =>
      new RE2JS(
        literals
          .slice(i)
          .map((text, k) => (k === 0 ? '' : '[^/]+') + escapeRegExp(text))
          .join('')
      )
  )
  const match = (candidate: string): string[] | undefined => {
    if (!rests[0]?.testExact(candidate)) return undefined
    const values: string[] = []
    let at = (literals[0] as string).length
    for (let i = 0; i < names.length; i++) {
      let end = at + 1
      // The shortest value after which the rest (from literal i + 1) still matches.
      while (end <= candidate.length && !rests[i + 1]?.testExact(candidate.slice(end))) end++
      values.push(candidate.slice(at, end))
      at = end + (literals[i + 1] as string).length
    }
    return values
  }
  return { match, names }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Expands a `discover` pattern such as `apps/{app}/overlays/{env}` against the
 * directories of the repository. Each placeholder captures one path segment.
 * Hidden directories are never matched by a placeholder. Results are sorted.
 */
export function discoverSources(repoRoot: string, pattern: string): DiscoveredSource[] {
  const segments = pattern.split('/').filter(s => s !== '' && s !== '.')
  let frontier: DiscoveredSource[] = [{ source: '', captures: {} }]
  for (const segment of segments) {
    const { match: matchSegment, names } = segmentMatcher(segment)
    const next: DiscoveredSource[] = []
    for (const current of frontier) {
      const dir = path.join(repoRoot, current.source)
      // A listed directory is one; a fixed segment or a symlink is asked of the file system.
      const candidates: Array<[string, boolean]> =
        names.length === 0
          ? [[segment, false]]
          : listDirectories(dir).filter(([n]) => !n.startsWith('.'))
      for (const [candidate, known] of candidates) {
        const match = matchSegment(candidate)
        if (!match) continue
        if (!known && !isDirectory(path.join(dir, candidate))) continue
        const captures = { ...current.captures }
        let consistent = true
        names.forEach((name, i) => {
          const value = match[i] as string
          if (captures[name] !== undefined && captures[name] !== value) consistent = false
          captures[name] = value
        })
        if (consistent)
          next.push({
            source: current.source ? `${current.source}/${candidate}` : candidate,
            captures
          })
      }
    }
    frontier = next
  }
  return frontier.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}

/** The directories and symlinks in `dir`, sorted; true for a directory (not a symlink). */
function listDirectories(dir: string): Array<[string, boolean]> {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter(e => e.isDirectory() || e.isSymbolicLink())
      .map((e): [string, boolean] => [e.name, e.isDirectory()])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  } catch {
    return []
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}
