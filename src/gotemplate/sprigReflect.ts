import { fixed, type GoFunc } from './funcs.js'
import { walkValue } from './valueWalk.js'
import { GoInt, type GoValue, goKind, goType, intValue, isMap } from './values.js'

// Sprig's reflection helpers (reflect.go) and the `empty` test its defaults use.

/** Sprig's empty: the zero value of its kind (nil, "", 0, false, an empty list or map). */
export function empty(v: GoValue): boolean {
  if (v === undefined || v === null) return true
  if (typeof v === 'string') return v.length === 0
  if (typeof v === 'number') return v === 0
  if (typeof v === 'boolean') return !v
  if (typeof v === 'bigint' || v instanceof GoInt) return intValue(v) === 0n
  if (Array.isArray(v)) return v.length === 0
  return Object.keys(v).length === 0
}

/** reflect.DeepEqual of two template values (each visited first: charged, no cycle). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (sameCollection(a, b)) return true
  walkValue(a)
  walkValue(b)
  return equal(a, b)
}

/** Go's DeepEqual takes the same slice or map as equal without looking inside. */
const sameCollection = (a: GoValue, b: GoValue) => a === b && typeof a === 'object' && a !== null

function equal(a: GoValue, b: GoValue): boolean {
  if (sameCollection(a, b)) return true
  if (a === undefined || a === null || b === undefined || b === null)
    return (a === undefined || a === null) && (b === undefined || b === null)
  if (goType(a) !== goType(b)) return false
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => equal(x, b[i]))
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every(k => Object.hasOwn(b, k) && equal(a[k], b[k]))
    )
  }
  return a === b
}

const typeOf = (v: GoValue) => (v === null || v === undefined ? '<nil>' : goType(v))
const kindOf = (v: GoValue) => (v === null || v === undefined ? 'invalid' : goKind(v))

export const REFLECT_FUNCS: Record<string, GoFunc> = {
  typeOf: fixed(['any'], typeOf),
  typeIs: fixed(['string', 'any'], (t: string, v: GoValue) => t === typeOf(v)),
  typeIsLike: fixed(
    ['string', 'any'],
    (t: string, v: GoValue) => t === typeOf(v) || `*${t}` === typeOf(v)
  ),
  kindOf: fixed(['any'], kindOf),
  kindIs: fixed(['string', 'any'], (t: string, v: GoValue) => t === kindOf(v)),
  deepEqual: fixed(['any', 'any'], deepEqual)
}
