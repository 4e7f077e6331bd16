import { sortGoStrings } from './sortStrings.js'

// The Go values a template sees, in JavaScript: what encoding/json gives Argo CD's parameters
// (string, float64 as number, bool, nil as null, []interface{} as arrays, map[string]interface{}
// as objects) plus what functions return: int as bigint, other integer types as GoInt, and
// typed slices/maps marked with their Go type. `undefined` is Go's invalid reflect.Value
// (a missing key), printed `<no value>`.

export type GoValue =
  | undefined
  | null
  | string
  | number
  | bigint
  | boolean
  | GoInt
  | GoValue[]
  | { [key: string]: GoValue }

/** An integer of a Go type other than int (int64 from Sprig's math, uint8 from a string index). */
export class GoInt {
  constructor(
    readonly type: 'int64' | 'uint8' | 'int32' | 'uint32' | 'uint64',
    readonly value: bigint
  ) {}
}

const collectionTypes = new WeakMap<object, string>()

/** Marks a slice or map with its Go type (`[]string`, `map[string]string`, `[]int`). */
export function typed<T extends object>(value: T, type: string): T {
  collectionTypes.set(value, type)
  return value
}

export function isMap(value: unknown): value is Record<string, GoValue> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof GoInt)
  )
}

/** reflect.Type.String() of a value. */
export function goType(value: GoValue): string {
  if (value === undefined) return '<nil>'
  if (value === null) return 'interface {}'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number') return 'float64'
  if (typeof value === 'bigint') return 'int'
  if (typeof value === 'boolean') return 'bool'
  if (value instanceof GoInt) return value.type
  return (
    collectionTypes.get(value) ??
    (Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}')
  )
}

/** reflect.Kind.String() of a value. */
export function goKind(value: GoValue): string {
  if (value === undefined) return 'invalid'
  if (value === null) return 'interface'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number') return 'float64'
  if (typeof value === 'bigint') return 'int'
  if (typeof value === 'boolean') return 'bool'
  if (value instanceof GoInt) return value.type
  return Array.isArray(value) ? 'slice' : 'map'
}

export function isInteger(value: GoValue): value is bigint | GoInt {
  return typeof value === 'bigint' || value instanceof GoInt
}

export function intValue(value: bigint | GoInt): bigint {
  return typeof value === 'bigint' ? value : value.value
}

/** text/template's isTrue: the zero value of its type is false. */
export function isTrue(value: GoValue): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'string') return value.length > 0
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'bigint') return value !== 0n
  if (typeof value === 'boolean') return value
  if (value instanceof GoInt) return value.value !== 0n
  if (Array.isArray(value)) return value.length > 0
  return Object.keys(value).length > 0
}

/** Go's sort order of map keys (fmtsort): strings by bytes, which for UTF-16 needs care. */
export function sortedKeys(map: Record<string, unknown>): string[] {
  return sortGoStrings(Object.keys(map))
}
