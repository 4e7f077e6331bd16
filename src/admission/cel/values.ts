import { celMap, isCelList, isCelMap, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel'

/** JSON as CEL sees a Kubernetes object: whole numbers are `int`, as the API server decodes them. */
export function toCel(value: unknown): CelInput {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value
  if (Array.isArray(value)) return value.map(toCel)
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    return new Map(entries.map(([key, item]) => [key, toCel(item)]))
  }
  if (value === undefined) return null
  return value as CelInput
}

/** A CEL result back as JSON (ints as numbers; kinded values as their string form). */
export function fromCel(value: CelValue): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (isCelUint(value)) return Number(value.value)
  if (isCelList(value)) return [...value].map(item => fromCel(item))
  if (isCelMap(value)) {
    const kinded = kindOf(value)
    if (kinded) return String(value.get(KIND_VALUE) as string)
    const object: Record<string, unknown> = {}
    for (const [key, item] of value.entries()) object[String(key)] = fromCel(item)
    return object
  }
  return value
}

/**
 * Values of the Kubernetes libraries (quantity, url, ip, cidr, semver, optional) are maps
 * with a marker key no Kubernetes field can have: CEL's ECMAScript runtime has no opaque
 * values outside protobuf messages.
 */
export const KIND_MARKER = '@k8s.kind'
export const KIND_VALUE = '@k8s.value'

export type ValueKind = 'quantity' | 'url' | 'ip' | 'cidr' | 'semver' | 'optional' | 'format'

export function kinded(
  kind: ValueKind,
  value: CelInput | undefined,
  extra?: Record<string, CelInput>
): CelInput {
  const entries: Array<[string, CelInput]> = [[KIND_MARKER, kind]]
  if (value !== undefined) entries.push([KIND_VALUE, value])
  for (const [key, item] of Object.entries(extra ?? {})) entries.push([key, item])
  return celMap(new Map(entries))
}

export function kindOf(value: unknown): ValueKind | undefined {
  if (!isCelMap(value)) return undefined
  const kind = value.get(KIND_MARKER)
  return typeof kind === 'string' ? (kind as ValueKind) : undefined
}

/** The payload of a kinded value, or an error naming what was expected. */
export function payload(value: unknown, kind: ValueKind): CelValue {
  if (kindOf(value) !== kind || !isCelMap(value)) throw new Error(`expected a ${kind}`)
  return value.get(KIND_VALUE) as CelValue
}
