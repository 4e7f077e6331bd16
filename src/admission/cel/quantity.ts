import type { CelFunc, CelValue } from '@bufbuild/cel'
import { BOOL, DOUBLE, func, INT, kindMethod, MAP, STRING } from './kinds.js'
import { kinded, payload } from './values.js'

/** An exact quantity: mantissa × 10^scale. */
interface Exact {
  mantissa: bigint
  scale: number
}

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n
}
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18
}
const FORM =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/

/** Parses a Kubernetes resource quantity (`500m`, `1Gi`, `1e3`), or undefined. */
export function parseQuantity(text: string): Exact | undefined {
  const match = FORM.exec(text)
  if (!match) return undefined
  const [, number, suffix = ''] = match as unknown as [string, string, string | undefined]
  const [whole, fraction = ''] = number.replace(/^\+/, '').split('.')
  let mantissa = BigInt(`${whole === '-' || whole === '' ? `${whole}0` : whole}${fraction}`)
  let scale = -fraction.length
  if (suffix in BINARY) mantissa *= BINARY[suffix]!
  else if (suffix in DECIMAL) scale += DECIMAL[suffix]!
  else scale += Number(suffix.slice(1))
  return { mantissa, scale }
}

function align(a: Exact, b: Exact): [bigint, bigint, number] {
  const scale = Math.min(a.scale, b.scale)
  return [
    a.mantissa * 10n ** BigInt(a.scale - scale),
    b.mantissa * 10n ** BigInt(b.scale - scale),
    scale
  ]
}

export function compareQuantities(a: Exact, b: Exact): number {
  const [x, y] = align(a, b)
  return x < y ? -1 : x > y ? 1 : 0
}

function format(q: Exact): string {
  if (q.scale >= 0) return String(q.mantissa * 10n ** BigInt(q.scale))
  const digits = (q.mantissa < 0n ? -q.mantissa : q.mantissa).toString().padStart(1 - q.scale, '0')
  const text = `${digits.slice(0, q.scale)}.${digits.slice(q.scale)}`.replace(/\.?0+$/, '')
  return `${q.mantissa < 0n ? '-' : ''}${text}`
}

const exact = (value: CelValue): Exact => parseQuantity(payload(value, 'quantity') as string)!
const wrap = (q: Exact) => kinded('quantity', format(q))
const asExact = (value: CelValue): Exact =>
  typeof value === 'bigint' ? { mantissa: value, scale: 0 } : exact(value)

function integerOf(q: Exact): bigint | undefined {
  if (q.scale >= 0) return q.mantissa * 10n ** BigInt(q.scale)
  const divisor = 10n ** BigInt(-q.scale)
  return q.mantissa % divisor === 0n ? q.mantissa / divisor : undefined
}

const INT64 = 1n << 63n
const combine = (sign: 1n | -1n) =>
  function (this: CelValue, other: CelValue) {
    const [x, y, scale] = align(exact(this), asExact(other))
    return wrap({ mantissa: x + sign * y, scale })
  }

/** Kubernetes' quantity library. */
export const quantityFuncs: CelFunc[] = [
  func('quantity', [STRING], MAP, (text: string) => {
    const q = parseQuantity(text)
    if (!q) throw new Error(`quantities must match the regular expression '${FORM.source}'`)
    // Canonical, so that equal amounts (1k, 1000) are equal values.
    return wrap(q)
  }),
  func('isQuantity', [STRING], BOOL, (text: string) => parseQuantity(text) !== undefined),
  kindMethod('quantity', 'sign', [], INT, function (this: CelValue) {
    const m = exact(this).mantissa
    return m > 0n ? 1n : m < 0n ? -1n : 0n
  }),
  kindMethod('quantity', 'isInteger', [], BOOL, function (this: CelValue) {
    const value = integerOf(exact(this))
    return value !== undefined && value < INT64 && value >= -INT64
  }),
  kindMethod('quantity', 'asInteger', [], INT, function (this: CelValue) {
    const value = integerOf(exact(this))
    if (value === undefined || value >= INT64 || value < -INT64)
      throw new Error('cannot convert value to integer')
    return value
  }),
  kindMethod('quantity', 'asApproximateFloat', [], DOUBLE, function (this: CelValue) {
    const q = exact(this)
    return Number(q.mantissa) * 10 ** q.scale
  }),
  kindMethod('quantity', 'add', [MAP], MAP, combine(1n)),
  kindMethod('quantity', 'add', [INT], MAP, combine(1n)),
  kindMethod('quantity', 'sub', [MAP], MAP, combine(-1n)),
  kindMethod('quantity', 'sub', [INT], MAP, combine(-1n)),
  kindMethod('quantity', 'isGreaterThan', [MAP], BOOL, function (this: CelValue, other: CelValue) {
    return compareQuantities(exact(this), exact(other)) > 0
  }),
  kindMethod('quantity', 'isLessThan', [MAP], BOOL, function (this: CelValue, other: CelValue) {
    return compareQuantities(exact(this), exact(other)) < 0
  }),
  kindMethod('quantity', 'compareTo', [MAP], INT, function (this: CelValue, other: CelValue) {
    return BigInt(compareQuantities(exact(this), exact(other)))
  })
]
