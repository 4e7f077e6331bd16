import { createTwoFilesPatch } from 'diff'
import { stringify } from 'yaml'
import type { DiffSettings } from '../config/types.js'
import {
  describeResource,
  formatId,
  type JsonObject as Obj,
  type Resource
} from '../manifests/resource.js'
import { applyIgnoreRules } from './ignore.js'
import { isSecret, maskSecrets } from './mask.js'
import { pairRenames } from './renames.js'
import { labelHunks } from './yamlPath.js'
import type { ChangeCounts, ResourceChange } from './types.js'

export function toText(object: Obj): string {
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

/** The object without its name, for content similarity of rename candidates (copies only what changes). */
export function withoutName(object: Obj): Obj {
  const metadata = object.metadata
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return object
  const rest: Obj = { ...(metadata as Obj) }
  delete rest.name
  return { ...object, metadata: rest } // metadata keeps its place among the keys
}

/**
 * `toText(withoutName(object))` from `toText(object)` without serializing again: drops the
 * `metadata.name` line (direct keys of a top-level map are the lines at two spaces), or
 * undefined where the text is not of that simple shape.
 */
export function withoutNameLine(text: string): string | undefined {
  const lines = text.split('\n')
  const metadata = lines.indexOf('metadata:')
  if (metadata === -1) return undefined
  let end = metadata + 1
  while (end < lines.length && lines[end]?.startsWith('  ')) end++
  const direct = (line: string | undefined) => line !== undefined && /^ {2}\S/.test(line)
  const names: number[] = []
  for (let i = metadata + 1; i < end; i++) if (lines[i]?.startsWith('  name: ')) names.push(i)
  const [name] = names
  // One plain line: the next line in the block, if any, is a sibling key, not a continuation.
  if (name === undefined || names.length > 1 || (name + 1 < end && !direct(lines[name + 1])))
    return undefined
  lines.splice(name, 1)
  if (end - metadata - 1 === 1) lines[metadata] = 'metadata: {}'
  return lines.join('\n')
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
 * by a kustomize hash suffix, or when their content is nearly the same: the text the diff
 * shows (noise and ignored fields left out), without the name.
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
  // A non-Secret's text is the same whatever its counterpart: made once, for the rename
  // pairing (name line dropped) and for its added, removed or renamed diff.
  const shownTexts = new Map<Resource, string>()
  const textOf = (resource: Resource, other: Resource | undefined, side: 'base' | 'head') => {
    if (isSecret(resource.object)) return sideText(resource, other, side, settings)
    let text = shownTexts.get(resource)
    if (text === undefined) {
      text = sideText(resource, undefined, side, settings)
      shownTexts.set(resource, text)
    }
    return text
  }
  const contentText = (resource: Resource) =>
    (isSecret(resource.object)
      ? undefined
      : withoutNameLine(textOf(resource, undefined, 'head'))) ??
    // Secret values masked without a state: their tokens then compare across the two sides.
    toText(applyIgnoreRules(maskSecrets(withoutName(resource.object)), resource, settings))
  const pairs = pairRenames(removed, added, contentText)
  const taken = new Set(pairs.flat())
  for (const [old, next] of pairs) {
    const a = textOf(old, next, 'base')
    const b = textOf(next, old, 'head')
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
          textOf(resource, undefined, 'head'),
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
          textOf(resource, undefined, 'base'),
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
