import { diffLines } from 'diff'
import type { Resource } from '../manifests/resource.js'

/** Two resources count as one renamed resource when this much of their text is the same. */
export const RENAME_SIMILARITY = 0.8
/** A kustomize name hash suffix (configMapGenerator/secretGenerator): `-` and 5–10 lower-case alphanumerics. */
const HASH_SUFFIX = /-[a-z0-9]{5,10}$/
/** A trailing version or number after the hash suffix is gone: `-v2`, `-2`, `-20240101`. */
const VERSION_SUFFIX = /-v?\d+$/
/** Candidates given the cheap score, per removed resource: bounds the work when many look alike. */
const MAX_CANDIDATES = 32
/** Candidates given the exact (line diff) score, per removed resource. */
const MAX_SCORED = 4

/**
 * Share of lines two texts have in common, by a line diff: 2·common / (lines of both + 2),
 * where each text counts its trailing empty line. It decides a content rename.
 */
export function similarity(a: string, b: string): number {
  let same = 0
  let total = 0
  for (const part of diffLines(a, b)) {
    const lines = part.count ?? 0
    total += lines
    if (!part.added && !part.removed) same += 2 * lines
  }
  const lengths = a.split('\n').length + b.split('\n').length
  return lengths === 0 ? 1 : Math.min(1, same / Math.max(lengths, total))
}

/** A text as the line diff sees it, and as a set of lines for cheap comparisons. */
export interface Lines {
  text: string
  /** `text.split('\n').length`, the length `similarity` counts. */
  length: number
  /** The lines as the line diff compares them (equal here when equal there). */
  lines: string[]
  /** The same lines as a set of numbers, each line with its occurrence so repeats stay apart. */
  tokens: Set<number>
}

/** A rename candidate's content lines. */
interface Entry extends Lines {
  resource: Resource
  /** The rarest tokens: two texts similar enough share at least one of them (prefix filtering). */
  prefix: number[]
}

/**
 * A text's lines as `diffLines` compares them. Split at \n (a \r stays in its line); a last
 * line without a break differs there from the same line with one, so it gets a \n mark,
 * which no split line contains. `tokenIds` numbers each distinct line and occurrence; texts
 * compared with each other must share it.
 */
export function toLines(text: string, tokenIds: Map<string, number>): Lines {
  const lines = text.split('\n')
  const length = lines.length
  const last = lines.pop() as string
  if (last !== '') lines.push(`${last}\n`)
  const seen = new Map<string, number>()
  const tokens = new Set<number>()
  for (const line of lines) {
    const occurrence = seen.get(line) ?? 0
    seen.set(line, occurrence + 1)
    const key = occurrence === 0 ? line : `${line}\n${occurrence}`
    let id = tokenIds.get(key)
    if (id === undefined) tokenIds.set(key, (id = tokenIds.size))
    tokens.add(id)
  }
  return { text, length, lines, tokens }
}

/** Lines two texts have in common, counted as a multiset: no line diff can keep more. */
export function sharedLines(a: Lines, b: Lines): number {
  const [small, large] = a.tokens.size <= b.tokens.size ? [a, b] : [b, a]
  let shared = 0
  for (const token of small.tokens) if (large.tokens.has(token)) shared++
  return shared
}

/** `similarity` with `common` lines kept by the line diff. */
export const similarityOf = (a: Lines, b: Lines, common: number) =>
  Math.min(1, (2 * common) / (a.length + b.length))

/**
 * `similarity` of two texts that share `shared` lines, without a line diff when it is
 * decided already: the common head and tail are kept by any line diff, and no diff keeps
 * more than the shared lines, so when the two counts meet that is the diff's count.
 */
export function similarityWithin(a: Lines, b: Lines, shared: number): number {
  const end = Math.min(a.lines.length, b.lines.length)
  let head = 0
  while (head < end && a.lines[head] === b.lines[head]) head++
  let tail = 0
  while (
    tail < end - head &&
    a.lines[a.lines.length - 1 - tail] === b.lines[b.lines.length - 1 - tail]
  )
    tail++
  return head + tail === shared ? similarityOf(a, b, shared) : similarity(a.text, b.text)
}

/**
 * Fewest shared lines a text of `length` needs with any other text to reach the threshold:
 * 2·shared / (n + m) ≥ t with m ≥ shared gives shared ≥ t·n / (2 − t).
 */
function minimumShared(length: number): number {
  const t = RENAME_SIMILARITY
  return Math.ceil((t * length) / (2 - t) - 1e-9)
}

const byId = (x: Resource, y: Resource) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
const scopeOf = (r: Resource) => `${r.group}/${r.kind}/${r.namespace}`

interface Candidate {
  old: Resource
  next: Resource
  score: number
}

/** Best score first; ties by ids, so the pairing never depends on input order. */
function takeBest(
  candidates: Candidate[],
  taken: Set<Resource>,
  pairs: Array<[Resource, Resource]>
) {
  candidates.sort((x, y) => y.score - x.score || byId(x.old, y.old) || byId(x.next, y.next))
  for (const { old, next } of candidates) {
    if (taken.has(old) || taken.has(next)) continue
    pairs.push([old, next])
    taken.add(old).add(next)
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const group = groups.get(key(item))
    if (group) group.push(item)
    else groups.set(key(item), [item])
  }
  return groups
}

/**
 * Pairs removed and added resources of one group, kind and namespace as renames: first when
 * their names differ only by a kustomize hash suffix, then when their content (`contentText`,
 * the name left out) is at least `RENAME_SIMILARITY` the same. Near-linear: candidates come
 * from shared rare lines and a common name stem, at most `MAX_CANDIDATES` per resource.
 */
export function pairRenames(
  removed: readonly Resource[],
  added: readonly Resource[],
  contentText: (resource: Resource) => string
): Array<[Resource, Resource]> {
  const pairs: Array<[Resource, Resource]> = []
  const taken = new Set<Resource>()
  const entries = new Map<Resource, Entry>()
  const tokenIds = new Map<string, number>()
  const linesOf = (resource: Resource): Entry => {
    let entry = entries.get(resource)
    if (!entry) {
      entry = { ...toLines(contentText(resource), tokenIds), resource, prefix: [] }
      entries.set(resource, entry)
    }
    return entry
  }
  const removedSorted = [...removed].sort(byId)
  const addedSorted = [...added].sort(byId)

  // Pass 1: hash suffixes (app-config-7b9c5k → app-config-m2h4t8), whatever the content.
  const hashStem = (r: Resource) => `${scopeOf(r)}\u0000${r.name.replace(HASH_SUFFIX, '')}`
  const addedByHashStem = groupBy(addedSorted, hashStem)
  const removedByHashStem = groupBy(
    removedSorted.filter(r => HASH_SUFFIX.test(r.name)),
    hashStem
  )
  const stemCandidates: Candidate[] = []
  for (const [stem, olds] of removedByHashStem) {
    const nexts = addedByHashStem.get(stem) ?? []
    for (const old of olds)
      for (const next of nexts.slice(0, MAX_CANDIDATES)) {
        // One on each side is the usual case: no content to compare.
        const score =
          olds.length === 1 && nexts.length === 1
            ? 1
            : similarityOf(linesOf(old), linesOf(next), sharedLines(linesOf(old), linesOf(next)))
        stemCandidates.push({ old, next, score })
      }
  }
  takeBest(stemCandidates, taken, pairs)

  // Pass 2: nearly the same content under another name, per scope.
  const leftRemoved = groupBy(
    removedSorted.filter(r => !taken.has(r)),
    scopeOf
  )
  const leftAdded = groupBy(
    addedSorted.filter(r => !taken.has(r)),
    scopeOf
  )
  const contentCandidates: Candidate[] = []
  for (const [scope, olds] of leftRemoved) {
    const nexts = leftAdded.get(scope)
    if (nexts) contentCandidates.push(...scopeCandidates(olds, nexts, linesOf))
  }
  takeBest(contentCandidates, taken, pairs)
  return pairs
}

/** Name without a hash suffix and then a version suffix: app-config-v2 → app-config. */
const looseStem = (name: string) => name.replace(HASH_SUFFIX, '').replace(VERSION_SUFFIX, '')

function scopeCandidates(
  olds: readonly Resource[],
  nexts: readonly Resource[],
  linesOf: (resource: Resource) => Entry
): Candidate[] {
  const oldLines = olds.map(linesOf)
  const nextLines = nexts.map(linesOf)
  const all = [...oldLines, ...nextLines]
  // Rarest lines first (ties by number), so a prefix holds the lines that tell resources apart.
  let tokenCount = 0
  for (const lines of all)
    for (const token of lines.tokens) tokenCount = Math.max(tokenCount, token + 1)
  const frequency = new Int32Array(tokenCount)
  for (const lines of all)
    for (const token of lines.tokens) frequency[token] = (frequency[token] ?? 0) + 1
  const rarestFirst = (x: number, y: number) => (frequency[x] ?? 0) - (frequency[y] ?? 0) || x - y
  for (const lines of all) {
    const size = lines.tokens.size - minimumShared(lines.length) + 1
    lines.prefix = size > 0 ? [...lines.tokens].sort(rarestFirst).slice(0, size) : []
  }
  const nextsByToken = new Map<number, Entry[]>()
  for (const lines of nextLines)
    for (const token of lines.prefix) {
      const list = nextsByToken.get(token)
      if (list) list.push(lines)
      else nextsByToken.set(token, [lines])
    }
  const nextsByStem = groupBy(nextLines, lines => looseStem(lines.resource.name))

  const candidates: Candidate[] = []
  oldLines.forEach((old, rank) => {
    // Same stem first, then resources sharing a rare line, at most MAX_CANDIDATES in all.
    const found: Entry[] = []
    const seen = new Set<Entry>()
    const take = (source: readonly Entry[]) => {
      // Each resource starts reading at its own rank, so that many look-alikes (bodies
      // that only differ by name) get different candidates instead of the same first few.
      const start = Math.floor((rank * source.length) / oldLines.length)
      for (let i = 0; i < source.length && found.length < MAX_CANDIDATES; i++) {
        const next = source[(start + i) % source.length] as Entry
        if (!seen.has(next)) found.push(next)
        seen.add(next)
      }
    }
    take(nextsByStem.get(looseStem(old.resource.name)) ?? [])
    for (const token of old.prefix) {
      if (found.length >= MAX_CANDIDATES) break
      take(nextsByToken.get(token) ?? [])
    }
    const plausible: Array<{ next: Entry; shared: number; bound: number }> = []
    for (const next of found) {
      const shared = sharedLines(old, next)
      const bound = similarityOf(old, next, shared)
      if (bound >= RENAME_SIMILARITY) plausible.push({ next, shared, bound })
    }
    plausible.sort((x, y) => y.bound - x.bound) // stable: ties keep the order found above
    for (const { next, shared } of plausible.slice(0, MAX_SCORED)) {
      const score = similarityWithin(old, next, shared)
      if (score >= RENAME_SIMILARITY)
        candidates.push({ old: old.resource, next: next.resource, score })
    }
  })
  return candidates
}
