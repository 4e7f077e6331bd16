import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF } from '../../src/config/types.js'
import {
  pairRenames,
  RENAME_SIMILARITY,
  sharedLines,
  similarity,
  similarityOf,
  similarityWithin,
  toLines
} from '../../src/diff/renames.js'
import { diffResources, toText, withoutName, withoutNameLine } from '../../src/diff/resources.js'
import type { JsonObject, Resource } from '../../src/manifests/resource.js'
import { parseManifests } from '../../src/manifests/parse.js'

/** Rename detection on parsed manifests: no tool runs here. */
const parse = (documents: string[]) => parseManifests(documents.join('---\n'), 'renames').resources

/** A seeded generator (mulberry32), so every run sees the same "random" inputs. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

/** A 10-character suffix like kustomize's, distinct per index and salt. */
const hashSuffix = (i: number, salt: number) =>
  ((i * 2654435761 + salt * 40503) >>> 0).toString(36).padStart(10, 'k').slice(-10)

const configMap = (name: string, i: number, level: string, namespace = 'web') =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'data:',
    `  APP: app-${i}`,
    `  LOG_LEVEL: ${level}`,
    `  DATABASE_URL: postgres://db-${i}.web.svc:5432/app`,
    `  CACHE_TTL: "${300 + i}"`,
    `  REGION: eu-west-${(i % 3) + 1}`,
    ''
  ].join('\n')

const renamesOf = (base: Resource[], head: Resource[], settings = DEFAULT_DIFF) =>
  diffResources(base, head, settings)
    .resources.filter(r => r.change === 'renamed')
    .map(r => `${r.previousName} → ${r.name}`)
    .sort()

describe('rename detection', () => {
  const indexes = Array.from({ length: 1000 }, (_, i) => i)

  it('pairs 1,000 ConfigMaps whose hash suffix and one value changed, each with its own', () => {
    const base = parse(
      indexes.map(i => configMap(`app-${i}-config-${hashSuffix(i, 1)}`, i, 'info'))
    )
    const head = parse(
      indexes.map(i => configMap(`app-${i}-config-${hashSuffix(i, 2)}`, i, 'debug'))
    )
    const { counts, resources } = diffResources(base, head, DEFAULT_DIFF)
    expect(counts).toEqual({ added: 0, modified: 0, removed: 0, renamed: 1000 })
    for (const change of resources) {
      const index = /^app-(\d+)-config-/.exec(change.name)?.[1]
      expect(change.previousName).toBe(`app-${index}-config-${hashSuffix(Number(index), 1)}`)
      expect(change.diff).toContain('-  LOG_LEVEL: info\n+  LOG_LEVEL: debug')
    }
  })

  it('pairs 1,000 ConfigMaps renamed -v1 → -v2 by their content, each with its own', () => {
    const base = parse(indexes.map(i => configMap(`app-${i}-config-v1`, i, 'info')))
    // Head in another order: pairing must not lean on positions.
    const head = parse(indexes.reverse().map(i => configMap(`app-${i}-config-v2`, i, 'debug')))
    expect(renamesOf(base, head)).toEqual(
      indexes.map(i => `app-${i}-config-v1 → app-${i}-config-v2`).sort()
    )
  })

  it('pairs a resource renamed to an unrelated name when its content is nearly the same', () => {
    const base = parse([configMap('frontend-settings', 7, 'info'), configMap('other', 8, 'info')])
    const head = parse([configMap('web-settings', 7, 'info'), configMap('another', 99, 'warn')])
    const { counts } = diffResources(base, head, DEFAULT_DIFF)
    expect(renamesOf(base, head)).toEqual(['frontend-settings → web-settings'])
    expect(counts).toEqual({ added: 1, modified: 0, removed: 1, renamed: 1 })
  })

  it('leaves unrelated resources of the same kind as added and removed', () => {
    const base = parse(indexes.slice(0, 300).map(i => configMap(`old-${i}-v1`, i, 'info')))
    const head = parse(indexes.slice(0, 300).map(i => configMap(`old-${i}-v2`, i + 5000, 'info')))
    expect(diffResources(base, head, DEFAULT_DIFF).counts).toEqual({
      added: 300,
      modified: 0,
      removed: 300,
      renamed: 0
    })
  })

  it('pairs 200 look-alike ServiceAccounts renamed team-a-* → team-b-*, each with its own', () => {
    // Bodies without names are all the same: every pair ties, so candidates must spread.
    const account = (name: string) =>
      `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ci\n`
    const names = indexes.slice(0, 200)
    const base = parse(names.map(i => account(`team-a-${i}`)))
    const head = parse(names.map(i => account(`team-b-${i}`)))
    expect(renamesOf(base, head)).toEqual(names.map(i => `team-a-${i} → team-b-${i}`).sort())
  })

  it('does not pair the same content across namespaces', () => {
    const base = parse([configMap('settings-old', 1, 'info', 'a')])
    const head = parse([configMap('settings-new', 1, 'info', 'b')])
    expect(renamesOf(base, head)).toEqual([])
  })

  it('pairs the same way whatever the order of the input, ties included', () => {
    // Two identical bodies on each side tie; a hash stem shared by two names on each side too.
    const documents = (side: 'base' | 'head') => [
      configMap(`twin-${side}-a`, 1, 'info'),
      configMap(`twin-${side}-b`, 1, 'info'),
      configMap(`cache-${side === 'base' ? 'abcde' : 'fghij'}`, 2, 'info'),
      configMap(`cache-${side === 'base' ? 'klmno' : 'pqrst'}`, 3, 'info'),
      ...indexes.slice(0, 50).map(i => configMap(`app-${i}-${side}`, i + 10, 'info'))
    ]
    const base = parse(documents('base'))
    const head = parse(documents('head'))
    const expected = renamesOf(base, head)
    expect(expected).toHaveLength(54)
    expect(expected).toContain('cache-abcde → cache-fghij') // same content wins the stem tie
    const random = seeded(14)
    for (let round = 0; round < 5; round++)
      expect(renamesOf(shuffled(base, random), shuffled(head, random))).toEqual(expected)
  })

  it('finds every pair an exhaustive comparison finds (prefix filtering loses none)', () => {
    // Small resources from a small set of lines: similarities spread around the threshold.
    const random = seeded(2024)
    const lines = Array.from({ length: 14 }, (_, i) => `  key${i}: value${i % 5}`)
    const make = (name: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${lines
        .filter(() => random() < 0.6)
        .join('\n')}\n`
    let pairsSeen = 0
    for (let round = 0; round < 40; round++) {
      const base = parse(Array.from({ length: 8 }, (_, i) => make(`base-${round}-${i}`)))
      const head = parse(Array.from({ length: 8 }, (_, i) => make(`head-${round}-${i}`)))
      const text = (r: Resource) => JSON.stringify(r.object.data ?? {}, null, 1)
      const key = ([old, next]: [Resource, Resource]) => `${old.name} → ${next.name}`
      const found = pairRenames(base, head, text).map(key).sort()
      expect(found).toEqual(exhaustivePairs(base, head, text).map(key).sort())
      pairsSeen += found.length
    }
    expect(pairsSeen).toBeGreaterThan(10) // the inputs do produce pairs to compare
  })
})

describe('rename similarity, computed cheaply', () => {
  const random = seeded(7)
  const vocabulary = ['a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', 'a: 1', '', 'a: 1\r']
  const text = () =>
    Array.from({ length: 3 + Math.floor(random() * 10) }, () =>
      random() < 0.15 ? `k${Math.floor(random() * 1000)}: v` : vocabulary[Math.floor(random() * 8)]
    ).join('\n') + (random() < 0.9 ? '\n' : '')
  const pairs = Array.from({ length: 2000 }, () => {
    const a = text()
    // Half of the pairs are edits of one text, where the shortcut decides most often.
    const lines = a.split('\n')
    lines[Math.floor(random() * lines.length)] = `k${Math.floor(random() * 1000)}: v`
    return [a, random() < 0.5 ? lines.join('\n') : text()] as const
  })

  it('bounds the line diff from above by shared lines, and equals it where it skips the diff', () => {
    for (const [a, b] of pairs) {
      const tokenIds = new Map<string, number>()
      const [x, y] = [toLines(a, tokenIds), toLines(b, tokenIds)]
      const shared = sharedLines(x, y)
      expect(similarityOf(x, y, shared)).toBeGreaterThanOrEqual(similarity(a, b))
      expect(similarityWithin(x, y, shared)).toBe(similarity(a, b))
    }
  })
})

describe('the content text of a rename candidate', () => {
  const object = (metadata: JsonObject, rest: JsonObject = {}): JsonObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    ...rest
  })
  const shapes: JsonObject[] = [
    object({ name: 'only-a-name' }),
    object({ name: '123' }, { data: { a: 'b' } }),
    object({ name: 'system:aggregate-to-admin', labels: { name: 'label-called-name' } }),
    object({ namespace: 'web', name: 'last' }, { spec: { name: 'spec-name' } }),
    object({ generateName: 'x-', name: 'n', annotations: { a: 'one\n  name: fake\n' } }),
    object({ annotations: { note: 'one\n\nthree' }, name: 'after-a-blank-line' }),
    object({ name: 'n', finalizers: ['a', 'b'], ownerReferences: [{ kind: 'X', name: 'y' }] }),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } },
    object({ name: 'first\nsecond', namespace: 'a name over lines' })
  ]
  const corpus = path.resolve('../shared/corpus/podinfo/kustomize')
  const files = [
    ...fs
      .readdirSync('examples', { recursive: true, encoding: 'utf8' })
      .map(f => path.join('examples', f)),
    ...(fs.existsSync(corpus) ? fs.readdirSync(corpus).map(f => path.join(corpus, f)) : [])
  ].filter(f => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))
  const fromFiles = files.flatMap(f => {
    try {
      return parseManifests(fs.readFileSync(f, 'utf8'), f).resources.map(r => r.object)
    } catch {
      return [] // templates and values files: not manifests
    }
  })

  it('drops the name line exactly as serializing the object without its name would', () => {
    expect(fromFiles.length).toBeGreaterThan(10)
    let shortcuts = 0
    for (const o of [...shapes, ...fromFiles]) {
      const expected = toText(withoutName(o))
      const cut = withoutNameLine(toText(o))
      if (cut !== undefined) shortcuts++
      expect(cut ?? expected).toBe(expected)
    }
    expect(shortcuts).toBeGreaterThan(fromFiles.length) // the shortcut is the usual path
    // The name after a block scalar's blank line is not found by the shortcut: it serializes.
    expect(withoutNameLine(toText(shapes[5] as JsonObject))).toBeUndefined()
  })

  it('judges renames on the text the diff shows: noise such as helm.sh/chart does not count', () => {
    const chartConfig = (name: string, chart: string, e: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    helm.sh/chart: ${chart}\ndata:\n  a: "1"\n  b: "2"\n  c: "3"\n  d: "4"\n  e: "${e}"\n`
    const base = parse([chartConfig('settings-old', 'app-0.1.0', '5')])
    const head = parse([chartConfig('settings-new', 'app-0.2.0', '6')])
    expect(renamesOf(base, head)).toEqual(['settings-old → settings-new'])
    // With the noise counted, the two would be below the threshold.
    const [before, after] = [base[0], head[0]].map(r => toText(withoutName(r!.object)))
    expect(similarity(before!, after!)).toBeLessThan(RENAME_SIMILARITY)
    expect(
      renamesOf(
        base,
        head.map(r => ({ ...r })),
        { ...DEFAULT_DIFF, noise: false }
      )
    ).toEqual([])
  })
})

/** The quadratic reference: every pair scored, best first, ties by ids. */
function exhaustivePairs(
  removed: Resource[],
  added: Resource[],
  text: (r: Resource) => string
): Array<[Resource, Resource]> {
  const byId = (x: Resource, y: Resource) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
  const candidates = removed.flatMap(old =>
    added
      .map(next => ({ old, next, score: similarity(text(old), text(next)) }))
      .filter(c => c.score >= RENAME_SIMILARITY)
  )
  candidates.sort((x, y) => y.score - x.score || byId(x.old, y.old) || byId(x.next, y.next))
  const taken = new Set<Resource>()
  const pairs: Array<[Resource, Resource]> = []
  for (const { old, next } of candidates) {
    if (taken.has(old) || taken.has(next)) continue
    pairs.push([old, next])
    taken.add(old).add(next)
  }
  return pairs
}
