import { HydrateError } from '../errors.js'
import { formatGoFloat } from './goScalars.js'

/**
 * A manifest value as Argo CD's hydrator holds it before writing manifest.yaml: Go
 * unstructured, decoded from JSON with integers kept (sigs.k8s.io/json). int64 is a bigint,
 * float64 a number.
 */
export type GoValue = null | boolean | string | bigint | number | GoValue[] | GoMap
export interface GoMap {
  [key: string]: GoValue
}

/** A parsed value that has no JSON form, so neither Kubernetes nor Argo CD can take it. */
export class UnrepresentableValueError extends HydrateError {
  constructor(
    readonly path: string,
    readonly detail: string
  ) {
    super(`${path || 'the document'}: ${detail}`)
  }
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * A float64 after Go's json.Marshal and a decode that keeps integers. Below 1e21 a whole
 * value is written as its shortest digits padded with zeros (as JS writes it too: 2^62 is
 * 4611686018427388000); if that fits int64, it comes back as that int64.
 */
function fromFloat(f: number, path: string): bigint | number {
  if (!Number.isFinite(f)) throw new UnrepresentableValueError(path, `${f} has no JSON form`)
  if (!Number.isInteger(f) || Math.abs(f) >= 1e21) return f
  const int = BigInt(String(f))
  return int >= INT64_MIN && int <= INT64_MAX ? int : f
}

/** Beyond int64, go-yaml gives uint64 or float64; decoded from JSON, either is a float64. */
function fromInt(i: bigint, path: string): bigint | number {
  return i >= INT64_MIN && i <= INT64_MAX ? i : fromFloat(Number(i), path)
}

/** Go's JSON encoding replaces what is not UTF-8 (here: lone surrogates) with U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD'
  )
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a YAML key (parsed with `mapAsMap`): ints in
 * decimal, floats as float32 in Go's shortest form, booleans as words. go-yaml's uint64
 * (ints past int64) and null keys have none.
 */
export function kubernetesKey(key: unknown, path: string): string {
  switch (typeof key) {
    case 'string':
      return key
    case 'boolean':
      return String(key)
    case 'number':
      return formatGoFloat(key, 32)
    case 'bigint':
      if (key >= INT64_MIN && key <= INT64_MAX) return key.toString()
      if (key < INT64_MIN || key > 2n ** 64n - 1n) return formatGoFloat(Number(key), 32)
  }
  throw new UnrepresentableValueError(path, `the key ${String(key)} has no JSON form`)
}

/**
 * The value Argo CD's hydrator writes for a parsed manifest value (ints as bigint, floats as
 * number, as `KUBERNETES_YAML` parses them): what survives the trip through JSON that the
 * repo server and the hydrator make.
 */
export function toArgoValue(value: unknown, path = ''): GoValue {
  switch (typeof value) {
    case 'string':
      return wellFormed(value)
    case 'boolean':
      return value
    case 'bigint':
      return fromInt(value, path)
    case 'number':
      return fromFloat(value, path)
    case 'undefined':
      return null
  }
  if (value === null) return null
  if (Array.isArray(value)) return value.map((item, i) => toArgoValue(item, `${path}[${i}]`))
  if (value instanceof Map) {
    const out: GoMap = Object.create(null) as GoMap
    for (const [key, item] of value) {
      const name = wellFormed(kubernetesKey(key, path))
      out[name] = toArgoValue(item, path ? `${path}.${name}` : name)
    }
    return out
  }
  // !!binary: go-yaml decodes the base64 into the string's bytes.
  if (value instanceof Uint8Array) return wellFormed(Buffer.from(value).toString('utf8'))
  if (Object.prototype.toString.call(value) === '[object Object]') {
    // No prototype: a `__proto__` key stays a key.
    const out: GoMap = Object.create(null) as GoMap
    for (const [key, item] of Object.entries(value as object))
      out[wellFormed(key)] = toArgoValue(item, path ? `${path}.${key}` : key)
    return out
  }
  throw new UnrepresentableValueError(
    path,
    `${Object.prototype.toString.call(value)} (an explicit YAML tag such as !!set) is not supported`
  )
}
