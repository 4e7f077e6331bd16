import { isCelList, isCelMap, type CelFunc, type CelInput, type CelValue } from '@bufbuild/cel'
import { OPT_INDEX_FUNCTION, OPT_SELECT_FUNCTION } from './instrument.js'
import { BOOL, DYN, func, kindMethod, MAP } from './kinds.js'
import { kinded, kindOf, KIND_VALUE } from './values.js'

export const none = (): CelInput => kinded('optional', undefined)
export const some = (value: CelValue): CelInput => kinded('optional', value)

function isZero(value: CelValue): boolean {
  if (value === null || value === false || value === '' || value === 0 || value === 0n) return true
  if (isCelList(value) || isCelMap(value)) return value.size === 0
  return false
}

function present(optional: CelValue): boolean {
  return isCelMap(optional) && optional.has(KIND_VALUE)
}

function inner(optional: CelValue): CelValue {
  return (optional as { get(key: string): CelValue }).get(KIND_VALUE)
}

/** `a.?b` and `a[?k]`: the member as an optional, none where it is absent. */
function select(target: CelValue, key: CelValue): CelInput {
  if (kindOf(target) === 'optional') {
    if (!present(target)) return none()
    target = inner(target)
  }
  if (isCelMap(target))
    return target.has(key as never) ? some(target.get(key as never) as CelValue) : none()
  if (isCelList(target) && typeof key === 'bigint')
    return key >= 0n && key < BigInt(target.size)
      ? some(target.get(Number(key)) as CelValue)
      : none()
  throw new Error(`no such key: ${String(key)}`)
}

/** CEL's optional library (`optional.of`, `.orValue`, …) over marker maps. */
export const optionalFuncs: CelFunc[] = [
  func('optional.of', [DYN], MAP, (value: CelValue) => some(value)),
  func('optional.none', [], MAP, () => none()),
  func('optional.ofNonZeroValue', [DYN], MAP, (value: CelValue) =>
    isZero(value) ? none() : some(value)
  ),
  func(OPT_SELECT_FUNCTION, [DYN, DYN], DYN, select),
  func(OPT_INDEX_FUNCTION, [DYN, DYN], DYN, select),
  kindMethod('optional', 'hasValue', [], BOOL, function (this: CelValue) {
    return present(this)
  }),
  kindMethod('optional', 'value', [], DYN, function (this: CelValue) {
    if (!present(this)) throw new Error('optional.none() dereference')
    return inner(this)
  }),
  kindMethod('optional', 'orValue', [DYN], DYN, function (this: CelValue, other: CelValue) {
    return present(this) ? inner(this) : other
  }),
  kindMethod('optional', 'or', [MAP], MAP, function (this: CelValue, other: CelValue) {
    return present(this) ? this : other
  })
]
