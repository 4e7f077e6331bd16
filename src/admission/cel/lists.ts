import { isCelUint, listType, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel'
import { BOOL, DYN, INT, method } from './kinds.js'

const LIST = listType(DYN)

function comparable(value: CelValue): number | bigint | string | boolean {
  if (isCelUint(value)) return value.value
  if (
    typeof value === 'bigint' ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  )
    return value
  throw new Error(`no ordering for ${typeof value} in a list`)
}

function compare(a: CelValue, b: CelValue): number {
  const x = comparable(a)
  const y = comparable(b)
  if (typeof x !== typeof y && !(typeof x !== 'string' && typeof y !== 'string'))
    throw new Error('list elements of different types cannot be ordered')
  return x < y ? -1 : x > y ? 1 : 0
}

const items = (list: CelList): CelValue[] => [...list] as CelValue[]

function extreme(list: CelList, sign: number): CelValue {
  const all = items(list)
  if (all.length === 0) throw new Error('min/max of an empty list')
  return all.reduce((best, item) => (compare(item, best) * sign > 0 ? item : best))
}

function sum(list: CelList): CelValue {
  const all = items(list)
  if (all.length === 0) return 0n
  if (all.every(item => typeof item === 'bigint'))
    return (all as bigint[]).reduce((a, b) => a + b, 0n)
  return all.reduce<number>((a, b) => a + Number(comparable(b)), 0)
}

function indexOf(list: CelList, value: CelValue, last: boolean): bigint {
  const all = items(list)
  const order = last ? [...all.keys()].reverse() : [...all.keys()]
  for (const i of order) if (compare(all[i]!, value) === 0) return BigInt(i)
  return -1n
}

/** Kubernetes' lists library. */
export const listFuncs: CelFunc[] = [
  method('isSorted', LIST, [], BOOL, function (this: CelList) {
    const all = items(this)
    return all.every((item, i) => i === 0 || compare(all[i - 1]!, item) <= 0)
  }),
  method('sum', LIST, [], DYN, function (this: CelList) {
    return sum(this)
  }),
  method('min', LIST, [], DYN, function (this: CelList) {
    return extreme(this, -1)
  }),
  method('max', LIST, [], DYN, function (this: CelList) {
    return extreme(this, 1)
  }),
  method('indexOf', LIST, [DYN], INT, function (this: CelList, value: CelValue) {
    return indexOf(this, value, false)
  }),
  method('lastIndexOf', LIST, [DYN], INT, function (this: CelList, value: CelValue) {
    return indexOf(this, value, true)
  })
]
