import { isDeepStrictEqual } from 'node:util'
import type { DiffSettings, IgnoreRule } from '../config/types.js'
import type { ResourceId, JsonObject as Obj } from '../manifests/resource.js'

/** Pod template metadata of every workload kind, where noise labels also appear. */
const TEMPLATE_METADATA = [
  ['spec', 'template', 'metadata'],
  ['spec', 'jobTemplate', 'spec', 'template', 'metadata']
]

function decodePointer(pointer: string): string[] {
  return pointer
    .slice(1)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** Removes the field at `path` in place; missing paths are fine. */
function removePath(object: unknown, path: string[]): void {
  let node = object
  for (let i = 0; i < path.length - 1; i++) {
    if (!node || typeof node !== 'object') return
    node = Array.isArray(node) ? node[Number(path[i])] : (node as Obj)[path[i] as string]
  }
  const last = path[path.length - 1] as string
  if (Array.isArray(node)) node.splice(Number(last), 1)
  else if (node && typeof node === 'object') delete (node as Obj)[last]
}

function get(object: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Obj)[key] : undefined),
    object
  )
}

function matches(rule: IgnoreRule, id: ResourceId): boolean {
  return (
    (rule.group === undefined || rule.group === id.group) &&
    (rule.kind === undefined || rule.kind === id.kind) &&
    (rule.name === undefined || rule.name === id.name || rule.name === id.generateName) &&
    (rule.namespace === undefined || rule.namespace === id.namespace)
  )
}

/** Drops the default noise: helm.sh/chart labels and checksum/* annotations, wherever metadata appears. */
function removeNoise(object: Obj): void {
  for (const path of [['metadata'], ...TEMPLATE_METADATA]) {
    const metadata = get(object, path) as Obj | undefined
    if (!metadata || typeof metadata !== 'object') continue
    const labels = metadata.labels as Obj | undefined
    if (labels && typeof labels === 'object') delete labels['helm.sh/chart']
    const annotations = metadata.annotations as Obj | undefined
    if (annotations && typeof annotations === 'object') {
      for (const key of Object.keys(annotations))
        if (key.startsWith('checksum/')) delete annotations[key]
      if (Object.keys(annotations).length === 0) delete metadata.annotations
    }
  }
}

/** A copy of the object without the fields the ignore rules and the noise list name. */
export function applyIgnoreRules(object: Obj, id: ResourceId, settings: DiffSettings): Obj {
  const copy = structuredClone(object)
  if (settings.noise) removeNoise(copy)
  for (const rule of settings.ignore) {
    if (!matches(rule, id)) continue
    for (const pointer of rule.jsonPointers) removePath(copy, decodePointer(pointer))
  }
  return copy
}

/**
 * The ignored fields (noise and ignore rules) in which two sides of one resource differ, as
 * a reader names them: `helm.sh/chart label`, `checksum/config annotation`,
 * `/spec/replicas (diff.ignore)`. Names only, never values.
 */
export function ignoredDifferences(
  before: Obj,
  after: Obj,
  id: ResourceId,
  settings: DiffSettings
): string[] {
  const fields = new Set<string>()
  const differs = (path: string[]) => !isDeepStrictEqual(get(before, path), get(after, path))
  if (settings.noise) {
    for (const metadata of [['metadata'], ...TEMPLATE_METADATA]) {
      if (differs([...metadata, 'labels', 'helm.sh/chart'])) fields.add('helm.sh/chart label')
      const keys = [before, after].flatMap(side =>
        Object.keys((get(side, [...metadata, 'annotations']) as Obj | undefined) ?? {})
      )
      for (const key of keys)
        if (key.startsWith('checksum/') && differs([...metadata, 'annotations', key]))
          fields.add(`${key} annotation`)
    }
  }
  for (const rule of settings.ignore) {
    if (!matches(rule, id)) continue
    for (const pointer of rule.jsonPointers)
      if (differs(decodePointer(pointer))) fields.add(`${pointer} (diff.ignore)`)
  }
  return [...fields]
}
