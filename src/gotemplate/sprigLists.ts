import { fixed, type GoFunc, variadic } from './funcs.js'
import { LIMITS, refuseOver } from './limits.js'
import { GoInt, type GoValue, goKind, goType, typed } from './values.js'
import { deepEqual, empty } from './sprigReflect.js'
import { toInt64 } from './sprigMath.js'

// Sprig's list functions (list.go). The plain form panics where the must form returns an
// error; text/template reports both as `error calling name: …`, so both throw the same text.

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference'

/** The elements of a slice, or Go's error for another kind. */
function elements(list: GoValue, what: string): GoValue[] {
  if (list === null || list === undefined) throw new Error(NIL_DEREF)
  if (!Array.isArray(list)) throw new Error(`${what} ${goKind(list)}`)
  return list
}
const anyList = (items: GoValue[]) => typed(items, '[]interface {}')

const one = (name: string, fn: (items: GoValue[]) => GoValue, what: string): [string, GoFunc][] => {
  const f = fixed(['any'], (list: GoValue) => fn(elements(list, what)))
  return [
    [name, f],
    [`must${name[0]?.toUpperCase()}${name.slice(1)}`, f]
  ]
}

/** A scalar's identity under reflect.DeepEqual (its Go type and value); undefined for a collection or NaN. */
function scalarKey(v: GoValue): string | undefined {
  if (v === undefined || v === null) return 'nil'
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : `f${v}`
  if (typeof v === 'object') return v instanceof GoInt ? `${v.type}:${v.value}` : undefined
  return `${typeof v}:${String(v)}`
}

/** Sprig's uniq: scalars by a set (linear); lists and maps by DeepEqual, each compare charged. */
function uniq(items: GoValue[]): GoValue[] {
  const seen = new Set<string>()
  const collections: GoValue[] = []
  return items.filter(x => {
    const key = scalarKey(x)
    if (key === undefined) {
      if (collections.some(y => deepEqual(x, y))) return false
      collections.push(x)
      return true
    }
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function chunk(size: bigint, list: GoValue): GoValue {
  const items = elements(list, 'Cannot chunk type')
  const n = Number(size)
  if (n <= 0) throw new Error('runtime error: integer divide by zero')
  const out: GoValue[] = []
  for (let i = 0; i < items.length; i += n) out.push(anyList(items.slice(i, i + n)))
  refuseOver('list length', out.length, LIMITS.listLength)
  return typed(out, '[][]interface {}')
}

function sliceOf(list: GoValue, ...indices: GoValue[]): GoValue {
  const items = elements(list, 'list should be type of slice or array but')
  if (items.length === 0) return null
  const start = indices.length > 0 ? Number(toInt64(indices[0] ?? null)) : 0
  const end = indices.length < 2 ? items.length : Number(toInt64(indices[1] ?? null))
  if (start < 0 || end > items.length || start > end)
    throw new Error('reflect.Value.Slice: slice index out of bounds')
  return typed(items.slice(start, end), goType(list))
}

export const LIST_FUNCS: Record<string, GoFunc> = Object.fromEntries<GoFunc>([
  ['list', variadic([], 'any', (...v: GoValue[]) => anyList(v))],
  ['tuple', variadic([], 'any', (...v: GoValue[]) => anyList(v))],
  ...one('first', l => (l.length ? l[0] : null), 'Cannot find first on type'),
  ...one('last', l => (l.length ? l[l.length - 1] : null), 'Cannot find last on type'),
  ...one('rest', l => anyList(l.slice(1)), 'Cannot find rest on type'),
  ...one('initial', l => anyList(l.slice(0, -1)), 'Cannot find initial on type'),
  ...one('reverse', l => anyList([...l].reverse()), 'Cannot find reverse on type'),
  ...one('compact', l => anyList(l.filter(x => !empty(x))), 'Cannot compact on type'),
  ...one('uniq', l => anyList(uniq(l)), 'Cannot find uniq on type'),
  ...(['append', 'push'] as const).flatMap(name => {
    const f = fixed(['any', 'any'], (list: GoValue, v: GoValue) =>
      anyList([...elements(list, 'Cannot push on type'), v])
    )
    return [
      [name, f],
      [`must${name[0]?.toUpperCase()}${name.slice(1)}`, f]
    ] as [string, GoFunc][]
  }),
  ...(['prepend', 'mustPrepend'] as const).map(
    name =>
      [
        name,
        fixed(['any', 'any'], (list: GoValue, v: GoValue) =>
          anyList([v, ...elements(list, 'Cannot prepend on type')])
        )
      ] as [string, GoFunc]
  ),
  ...(['without', 'mustWithout'] as const).map(
    name =>
      [
        name,
        variadic(['any'], 'any', (list: GoValue, ...omit: GoValue[]) =>
          anyList(
            elements(list, 'Cannot find without on type').filter(
              x => !omit.some(o => deepEqual(o, x))
            )
          )
        )
      ] as [string, GoFunc]
  ),
  ...(['has', 'mustHas'] as const).map(
    name =>
      [
        name,
        fixed(['any', 'any'], (needle: GoValue, list: GoValue) =>
          list === null
            ? false
            : elements(list, 'Cannot find has on type').some(x => deepEqual(needle, x))
        )
      ] as [string, GoFunc]
  ),
  ...(['slice', 'mustSlice'] as const).map(
    name => [name, variadic(['any'], 'any', sliceOf)] as [string, GoFunc]
  ),
  ...(['chunk', 'mustChunk'] as const).map(
    name => [name, fixed(['int', 'any'], chunk)] as [string, GoFunc]
  ),
  [
    'concat',
    variadic([], 'any', (...lists: GoValue[]) => {
      const out: GoValue[] = []
      for (const list of lists) {
        if (list === null || list === undefined) throw new Error(NIL_DEREF)
        if (!Array.isArray(list)) throw new Error(`Cannot concat type ${goKind(list)} as list`)
        out.push(...list)
      }
      return anyList(out)
    })
  ]
])
