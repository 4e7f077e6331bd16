/**
 * Secret masking (docs/security.md). Every value under `data`/`stringData` of a Secret, and inside
 * its `kubectl.kubernetes.io/last-applied-configuration` annotation, becomes a token that
 * says how long it is and whether it changed. It runs on objects, before any text exists.
 */

import { isCoreSecret, type JsonObject as Obj } from '../manifests/resource.js'
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/** A core Secret by its parsed group and kind (the predicate policy uses too). */
export const isSecret = isCoreSecret

function byteLength(field: 'data' | 'stringData', value: unknown): number {
  if (typeof value !== 'string') return Buffer.byteLength(JSON.stringify(value ?? null))
  return field === 'data' ? Buffer.from(value, 'base64').length : Buffer.byteLength(value, 'utf8')
}

function token(bytes: number, state: string): string {
  return `<secret: ${bytes} bytes${state ? `, ${state}` : ''}>`
}

/** Which side of the diff a masked object is on: the states read from the head's view. */
export type Side = 'base' | 'head'

function state(value: unknown, before: unknown, side: Side): string {
  if (before === undefined) return side === 'head' ? 'added' : 'removed'
  if (before === value) return 'unchanged'
  // Different tokens on the two sides, so a same-length change still shows in the diff.
  return side === 'head' ? 'changed' : 'before change'
}

function maskFields(object: Obj, other: Obj | undefined, side: Side): Obj {
  const result: Obj = { ...object }
  for (const field of ['data', 'stringData'] as const) {
    const values = object[field]
    if (values === undefined || values === null) continue
    const otherValues = other?.[field]
    if (typeof values !== 'object' || Array.isArray(values)) {
      result[field] = token(byteLength(field, values), '')
      continue
    }
    const masked: Obj = {}
    for (const [key, value] of Object.entries(values as Obj)) {
      const before =
        other && otherValues && typeof otherValues === 'object'
          ? (otherValues as Obj)[key]
          : undefined
      masked[key] = token(byteLength(field, value), other ? state(value, before, side) : '')
    }
    result[field] = masked
  }
  return result
}

function maskLastApplied(object: Obj, other: Obj | undefined, side: Side): Obj {
  const metadata = object.metadata as Obj | undefined
  const annotations = metadata?.annotations as Obj | undefined
  const raw = annotations?.[LAST_APPLIED]
  if (typeof raw !== 'string') return object
  const otherRaw = ((other?.metadata as Obj | undefined)?.annotations as Obj | undefined)?.[
    LAST_APPLIED
  ]
  let masked: string
  try {
    const parsed = JSON.parse(raw) as Obj
    const otherParsed = typeof otherRaw === 'string' ? (JSON.parse(otherRaw) as Obj) : undefined
    masked = JSON.stringify(maskFields(parsed, otherParsed ?? (other ? {} : undefined), side))
  } catch {
    masked = token(Buffer.byteLength(raw), other ? state(raw, otherRaw, side) : '')
  }
  return {
    ...object,
    metadata: { ...metadata, annotations: { ...annotations, [LAST_APPLIED]: masked } }
  }
}

/**
 * Masks one side of a resource. `other` is the same resource on the other side of the diff
 * (undefined when it does not exist there: every value is then added, or removed).
 * Without a side, values get no state (for output that is not a diff).
 */
export function maskSecrets(object: Obj, other?: Obj | null, side?: Side): Obj {
  if (!isSecret(object)) return object
  const compare = side === undefined ? undefined : other && isSecret(other) ? other : {}
  return maskLastApplied(maskFields(object, compare, side ?? 'head'), compare, side ?? 'head')
}
