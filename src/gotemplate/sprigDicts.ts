import { fixed, type GoFunc, variadic } from './funcs.js'
import { type GoValue, goType, isMap, sortedKeys, typed } from './values.js'
import { empty } from './sprigReflect.js'
import { strval } from './sprigStrings.js'
import { getOwn, setOwn } from '../security/ownProperty.js'

// Sprig's dict functions (dict.go). Go ranges over a map in random order: `keys` and `values`
// come back in sorted key order here, one of the orders Go may give (the same commit must
// render the same bytes).

type Dict = Record<string, GoValue>
const anyMap = (d: Dict) => typed(d, 'map[string]interface {}')

/** A deep copy (copystructure.Copy), keeping each collection's Go type. */
export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return typed(v.map(deepCopy), goType(v))
  if (isMap(v)) {
    const out: Dict = {}
    for (const [k, x] of Object.entries(v)) setOwn(out, k, deepCopy(x))
    return typed(out, goType(v))
  }
  return v
}

/**
 * mergo.Merge (fill what dst lacks or has empty) or MergeWithOverwrite (src wins, an empty
 * value too), for maps of interface{}: nested maps merge, a non-empty slice or map in dst is
 * kept unless overwriting with a non-empty slice.
 */
function mergeInto(dst: Dict, src: Dict, overwrite: boolean): void {
  for (const [key, value] of Object.entries(src)) {
    const has = Object.hasOwn(dst, key)
    const existing = getOwn(dst, key)
    if (value === null || value === undefined) {
      if (overwrite) setOwn(dst, key, null)
      continue
    }
    if (isMap(value) && isMap(existing)) mergeInto(existing, value, overwrite)
    else if (Array.isArray(value) && value.length > 0 && (overwrite || empty(existing))) {
      setOwn(dst, key, value)
      continue
    }
    if (has && !empty(existing) && (isMap(value) || Array.isArray(value))) continue
    if (overwrite || !has || empty(existing)) setOwn(dst, key, value)
  }
}

const mergeFn = (overwrite: boolean) =>
  variadic(['map'], 'map', (dst: Dict | null, ...srcs: (Dict | null)[]) => {
    const target = dst ?? anyMap({})
    for (const src of srcs) if (src) mergeInto(target, src, overwrite)
    return target
  })

function dig(...ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new Error('dig needs at least three arguments')
  const dict = ps[ps.length - 1]
  const conversion = (v: GoValue, want: string) =>
    new Error(
      `interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goType(v)}, not ${want}`
    )
  if (!isMap(dict) || goType(dict) !== 'map[string]interface {}')
    throw conversion(dict, 'map[string]interface {}')
  const fallback = ps[ps.length - 2]
  const keys = ps.slice(0, -2).map(k => {
    if (typeof k !== 'string') throw conversion(k, 'string')
    return k
  })
  let current: Dict = dict
  for (const [i, key] of keys.entries()) {
    if (!Object.hasOwn(current, key)) return fallback
    const step = current[key]
    if (i === keys.length - 1) return step
    if (!isMap(step) || goType(step) !== 'map[string]interface {}')
      throw conversion(step, 'map[string]interface {}')
    current = step
  }
  return fallback
}

export const DICT_FUNCS: Record<string, GoFunc> = {
  dict: variadic([], 'any', (...v: GoValue[]) => {
    const out: Dict = {}
    for (let i = 0; i < v.length; i += 2)
      setOwn(out, strval(v[i] ?? null), i + 1 < v.length ? v[i + 1] : '')
    return anyMap(out)
  }),
  get: fixed(['map', 'string'], (d: Dict | null, k: string) =>
    d && Object.hasOwn(d, k) ? d[k] : ''
  ),
  set: fixed(['map', 'string', 'any'], (d: Dict | null, k: string, v: GoValue) => {
    if (!d) throw new Error('assignment to entry in nil map')
    setOwn(d, k, v)
    return d
  }),
  unset: fixed(['map', 'string'], (d: Dict | null, k: string) => {
    if (d) delete d[k]
    return d
  }),
  hasKey: fixed(['map', 'string'], (d: Dict | null, k: string) => !!d && Object.hasOwn(d, k)),
  pluck: variadic(['string'], 'map', (k: string, ...ds: (Dict | null)[]) =>
    typed(
      ds.filter(d => d && Object.hasOwn(d, k)).map(d => (d as Dict)[k]),
      '[]interface {}'
    )
  ),
  keys: variadic([], 'map', (...ds: (Dict | null)[]) =>
    typed(
      ds.flatMap(d => (d ? sortedKeys(d) : [])),
      '[]string'
    )
  ),
  values: fixed(['map'], (d: Dict | null) =>
    typed(d ? sortedKeys(d).map(k => d[k]) : [], '[]interface {}')
  ),
  pick: variadic(['map'], 'string', (d: Dict | null, ...keys: string[]) => {
    const out: Dict = {}
    for (const k of keys) if (d && Object.hasOwn(d, k)) setOwn(out, k, d[k])
    return anyMap(out)
  }),
  omit: variadic(['map'], 'string', (d: Dict | null, ...keys: string[]) => {
    const out: Dict = {}
    for (const [k, v] of Object.entries(d ?? {})) if (!keys.includes(k)) setOwn(out, k, v)
    return anyMap(out)
  }),
  merge: mergeFn(false),
  mustMerge: mergeFn(false),
  mergeOverwrite: mergeFn(true),
  mustMergeOverwrite: mergeFn(true),
  deepCopy: fixed(['any'], deepCopy),
  mustDeepCopy: fixed(['any'], deepCopy),
  dig: variadic([], 'any', dig)
}
