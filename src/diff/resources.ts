import { createTwoFilesPatch, diffLines } from 'diff'
import { stringify } from 'yaml'
import type { DiffSettings } from '../config/types.js'
import {
  describeResource,
  formatId,
  type JsonObject as Obj,
  type Resource
} from '../manifests/resource.js'
import { applyIgnoreRules } from './ignore.js'
import { maskSecrets } from './mask.js'
import { labelHunks } from './yamlPath.js'
import type { ChangeCounts, ResourceChange } from './types.js'

/** Two resources count as one renamed resource when this much of their text is the same. */
const RENAME_SIMILARITY = 0.8
/** A kustomize name hash suffix (configMapGenerator/secretGenerator): `-` and 5–10 lower-case alphanumerics. */
const HASH_SUFFIX = /-[a-z0-9]{5,10}$/

function toText(object: Obj): string {
  return stringify(object, {
    lineWidth: 0,
    indent: 2,
    indentSeq: true,
    aliasDuplicateObjects: false
  })
}

/** Masked and normalized text of one side; `other` is the counterpart for the secret states. */
function sideText(
  resource: Resource,
  other: Resource | undefined,
  side: 'base' | 'head',
  settings: DiffSettings
): string {
  const masked = maskSecrets(resource.object, other?.object ?? null, side)
  return toText(applyIgnoreRules(masked, resource, settings))
}

function patch(before: string, after: string, from: string, to: string, context: number): string {
  const text = createTwoFilesPatch(from, to, before, after, '', '', { context })
  // Drop the "Index:"/"====" preamble; keep ---/+++ and the hunks, each labelled with its YAML path.
  const unified = text
    .split('\n')
    .filter(line => !line.startsWith('Index: ') && !/^=+$/.test(line))
    .join('\n')
    .replace(/\t/g, '')
    .trimEnd()
  return labelHunks(unified, before, after).concat('\n')
}

function similarity(a: string, b: string): number {
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

/** The resource without its name, for content similarity of rename candidates. */
function withoutName(resource: Resource): Resource {
  const object = structuredClone(resource.object)
  const metadata = object.metadata as Obj | undefined
  if (metadata) delete metadata.name
  return { ...resource, object }
}

function change(
  resource: Resource,
  kind: ResourceChange['change'],
  diff: string,
  previousName?: string
): ResourceChange {
  const result: ResourceChange = {
    group: resource.group,
    kind: resource.kind,
    namespace: resource.namespace,
    name: resource.name,
    change: kind,
    diff
  }
  if (previousName !== undefined) result.previousName = previousName
  return result
}

/**
 * Compares one target's resources on both sides by identity (version excluded). Removed and
 * added resources of one kind and namespace pair up as renames when their names differ only
 * by a kustomize hash suffix, or when their content is nearly the same.
 */
export function diffResources(
  base: readonly Resource[],
  head: readonly Resource[],
  settings: DiffSettings
): { resources: ResourceChange[]; counts: ChangeCounts } {
  const baseById = new Map(base.map(r => [r.id, r]))
  const headById = new Map(head.map(r => [r.id, r]))
  const changes: ResourceChange[] = []
  const context = settings.context

  for (const resource of head) {
    const before = baseById.get(resource.id)
    if (!before) continue
    const a = sideText(before, resource, 'base', settings)
    const b = sideText(resource, before, 'head', settings)
    if (a !== b)
      changes.push(
        change(
          resource,
          'modified',
          patch(
            a,
            b,
            `base/${describeResource(before)}`,
            `head/${describeResource(resource)}`,
            context
          )
        )
      )
  }

  const removed = base.filter(r => !headById.has(r.id))
  const added = head.filter(r => !baseById.has(r.id))
  const scope = (r: Resource) => `${r.group}/${r.kind}/${r.namespace}`
  const pairs: Array<[Resource, Resource]> = []
  const taken = new Set<Resource>()
  // Pass 1: hash suffixes (app-config-7b9c5k → app-config-m2h4t8).
  for (const old of removed) {
    const stem = old.name.replace(HASH_SUFFIX, '')
    if (stem === old.name) continue
    const match = added.find(
      n =>
        !taken.has(n) &&
        scope(n) === scope(old) &&
        n.name !== old.name &&
        n.name.replace(HASH_SUFFIX, '') === stem
    )
    if (match) {
      pairs.push([old, match])
      taken.add(old).add(match)
    }
  }
  // Pass 2: nearly identical content under another name, best match first.
  const candidates: Array<{ old: Resource; next: Resource; score: number }> = []
  for (const old of removed.filter(r => !taken.has(r))) {
    for (const next of added.filter(r => !taken.has(r) && scope(r) === scope(old))) {
      const score = similarity(
        toText(maskSecrets(withoutName(old).object)),
        toText(maskSecrets(withoutName(next).object))
      )
      if (score >= RENAME_SIMILARITY) candidates.push({ old, next, score })
    }
  }
  for (const { old, next } of candidates.sort((x, y) => y.score - x.score)) {
    if (taken.has(old) || taken.has(next)) continue
    pairs.push([old, next])
    taken.add(old).add(next)
  }
  for (const [old, next] of pairs) {
    const a = sideText(old, next, 'base', settings)
    const b = sideText(next, old, 'head', settings)
    changes.push(
      change(
        next,
        'renamed',
        patch(a, b, `base/${describeResource(old)}`, `head/${describeResource(next)}`, context),
        old.name
      )
    )
  }
  for (const resource of added.filter(r => !taken.has(r))) {
    changes.push(
      change(
        resource,
        'added',
        patch(
          '',
          sideText(resource, undefined, 'head', settings),
          '/dev/null',
          `head/${describeResource(resource)}`,
          context
        )
      )
    )
  }
  for (const resource of removed.filter(r => !taken.has(r))) {
    changes.push(
      change(
        resource,
        'removed',
        patch(
          sideText(resource, undefined, 'base', settings),
          '',
          `base/${describeResource(resource)}`,
          '/dev/null',
          context
        )
      )
    )
  }

  const order = new Map([...head, ...base].map((r, i) => [r.id, i]))
  const key = (c: ResourceChange) => order.get(formatId(c)) ?? 0
  changes.sort((x, y) => key(x) - key(y))
  const counts: ChangeCounts = { added: 0, modified: 0, removed: 0, renamed: 0 }
  for (const c of changes) counts[c.change]++
  return { resources: changes, counts }
}
