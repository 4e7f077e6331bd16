import { printV } from './format.js'
import { fixed, type GoFunc, variadic } from './funcs.js'
import { LIMITS, refuseOver } from './limits.js'
import { GoInt, type GoValue, intValue, isInteger, typed } from './values.js'

// Sprig's conversions and arithmetic (numeric.go): spf13/cast for conversions (a value it
// cannot convert is 0), int64 arithmetic, float arithmetic through shopspring/decimal.

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const wrap64 = (n: bigint) => BigInt.asIntN(64, n)

/** cast's trimZeroDecimal: "12.00" → "12". */
function trimZeroDecimal(s: string): string {
  let foundZero = false
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1]
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1)
    } else if (c === '0') foundZero = true
    else return s
  }
  return s
}

/** strconv.ParseInt(s, 0, 64), or undefined. */
function parseIntBase0(s: string): bigint | undefined {
  const m =
    /^([+-]?)(0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB][01](?:_?[01])*|0[oO]?[0-7](?:_?[0-7])*|[1-9](?:_?[0-9])*|0)$/.exec(
      s
    )
  if (!m) return undefined
  let body = (m[2] as string).replaceAll('_', '')
  if (/^0[0-7]/.test(body)) body = `0o${body.slice(1)}`
  const value = (m[1] === '-' ? -1n : 1n) * BigInt(body)
  return value < INT64_MIN || value > INT64_MAX ? undefined : value
}

/** cast.ToInt64. */
export function toInt64(v: GoValue): bigint {
  if (isInteger(v)) return intValue(v)
  if (typeof v === 'number') return Number.isFinite(v) ? wrap64(BigInt(Math.trunc(v))) : INT64_MIN
  if (typeof v === 'boolean') return v ? 1n : 0n
  if (typeof v === 'string') return parseIntBase0(trimZeroDecimal(v)) ?? 0n
  return 0n
}

/** cast.ToFloat64. */
export function toFloat64(v: GoValue): number {
  if (typeof v === 'number') return v
  if (isInteger(v)) return Number(intValue(v))
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') {
    const s = v.replaceAll('_', '')
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(s)) {
      if (/inf/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
      if (/nan/i.test(s)) return NaN
      return Number(s)
    }
    return 0
  }
  return 0
}

const int64 = (n: bigint) => new GoInt('int64', wrap64(n))

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const out: bigint[] = []
  const guard = () => refuseOver('list length', out.length, LIMITS.listLength)
  if (stop < start) {
    if (step >= 0n) return out
    for (let i = start; i > stop; i += step) {
      out.push(i)
      guard()
    }
    return out
  }
  if (step <= 0n) return out
  for (let i = start; i < stop; i += step) {
    out.push(i)
    guard()
  }
  return out
}
const intList = (values: bigint[]) => typed(values, '[]int')

function seq(...params: bigint[]): string {
  let list: bigint[] = []
  if (params.length === 1) {
    const end = params[0] as bigint
    const inc = end < 1n ? -1n : 1n
    list = untilStep(1n, end + inc, inc)
  } else if (params.length === 2) {
    const [start, end] = params as [bigint, bigint]
    const step = end < start ? -1n : 1n
    list = untilStep(start, end + step, step)
  } else if (params.length === 3) {
    const [start, step, end] = params as [bigint, bigint, bigint]
    let inc = 1n
    if (end < start) {
      inc = -1n
      if (step > 0n) return ''
    }
    list = untilStep(start, end + inc, step)
  }
  return list.join(' ')
}

/** A decimal: value = digits × 10^exp (shopspring/decimal, enough of it for + − × ÷). */
interface Decimal {
  digits: bigint
  exp: number
}
function decimalOf(f: number): Decimal {
  // NewFromFloat: the shortest decimal that reads back as f.
  const [mantissa, e] = f.toExponential().split('e') as [string, string]
  const [int, frac = ''] = mantissa.split('.') as [string, string?]
  return { digits: BigInt(int + frac), exp: Number(e) - frac.length }
}
function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp)
  return [a.digits * 10n ** BigInt(a.exp - exp), b.digits * 10n ** BigInt(b.exp - exp), exp]
}
const toFloat = (d: Decimal) => Number(`${d.digits}e${d.exp}`)
const DECIMAL_OPS = {
  add: (a: Decimal, b: Decimal): Decimal => {
    const [x, y, exp] = align(a, b)
    return { digits: x + y, exp }
  },
  sub: (a: Decimal, b: Decimal): Decimal => {
    const [x, y, exp] = align(a, b)
    return { digits: x - y, exp }
  },
  mul: (a: Decimal, b: Decimal): Decimal => ({ digits: a.digits * b.digits, exp: a.exp + b.exp }),
  div: (a: Decimal, b: Decimal): Decimal => {
    if (b.digits === 0n) throw new Error('decimal division by 0')
    // DivRound(d2, 16): 16 digits after the point, half away from zero.
    const scale = 16
    const num = a.digits * 10n ** BigInt(scale + 1 + Math.max(0, b.exp - a.exp + scale))
    const shift = a.exp - b.exp - (scale + 1 + Math.max(0, b.exp - a.exp + scale))
    let q = num / b.digits
    // q × 10^shift; bring to exponent -(scale+1), then round the last digit.
    const target = -(scale + 1)
    q = shift >= target ? q * 10n ** BigInt(shift - target) : q / 10n ** BigInt(target - shift)
    const negative = q < 0n
    let magnitude = negative ? -q : q
    magnitude = (magnitude + 5n) / 10n
    return { digits: negative ? -magnitude : magnitude, exp: -scale }
  }
}
function decimalOp(a: GoValue, rest: GoValue[], op: keyof typeof DECIMAL_OPS): number {
  let result = decimalOf(toFloat64(a))
  for (const x of rest) result = DECIMAL_OPS[op](result, decimalOf(toFloat64(x)))
  return toFloat(result)
}

function round(a: GoValue, p: bigint, ...on: number[]): number {
  const roundOn = on[0] ?? 0.5
  const pow = 10 ** Number(p)
  const digit = pow * toFloat64(a)
  const fraction = digit - Math.trunc(digit)
  return (fraction >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow
}

export const MATH_FUNCS: Record<string, GoFunc> = {
  atoi: fixed(['string'], (s: string) =>
    /^[+-]?[0-9]+$/.test(s) ? (parseIntBase0(String(BigInt(s))) ?? 0n) : 0n
  ),
  int64: fixed(['any'], (v: GoValue) => int64(toInt64(v))),
  int: fixed(['any'], (v: GoValue) => toInt64(v)),
  float64: fixed(['any'], (v: GoValue) => toFloat64(v)),
  toDecimal: fixed(['any'], (v: GoValue) => {
    const s = printV(v === undefined ? null : v)
    return int64(
      /^[+-]?[0-7]+$/.test(s)
        ? BigInt.asIntN(
            64,
            BigInt(s.startsWith('-') ? `-0o${s.slice(1)}` : `0o${s.replace('+', '')}`)
          )
        : 0n
    )
  }),
  seq: variadic([], 'int', seq),
  until: fixed(['int'], (n: bigint) => intList(untilStep(0n, n, n < 0n ? -1n : 1n))),
  untilStep: fixed(['int', 'int', 'int'], (a: bigint, b: bigint, c: bigint) =>
    intList(untilStep(a, b, c))
  ),
  add1: fixed(['any'], (v: GoValue) => int64(toInt64(v) + 1n)),
  add: variadic([], 'any', (...v: GoValue[]) =>
    int64(v.reduce<bigint>((a, b) => wrap64(a + toInt64(b)), 0n))
  ),
  sub: fixed(['any', 'any'], (a: GoValue, b: GoValue) => int64(toInt64(a) - toInt64(b))),
  div: fixed(['any', 'any'], (a: GoValue, b: GoValue) => {
    const d = toInt64(b)
    if (d === 0n) throw new Error('runtime error: integer divide by zero')
    return int64(toInt64(a) / d)
  }),
  mod: fixed(['any', 'any'], (a: GoValue, b: GoValue) => {
    const d = toInt64(b)
    if (d === 0n) throw new Error('runtime error: integer divide by zero')
    return int64(toInt64(a) % d)
  }),
  mul: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) =>
    int64(v.reduce<bigint>((x, y) => wrap64(x * toInt64(y)), toInt64(a)))
  ),
  add1f: fixed(['any'], (v: GoValue) => decimalOp(v, [1n], 'add')),
  addf: variadic([], 'any', (...v: GoValue[]) => decimalOp(0, v, 'add')),
  subf: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, 'sub')),
  divf: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, 'div')),
  mulf: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, 'mul')),
  biggest: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) =>
    int64(v.map(toInt64).reduce((x, y) => (y > x ? y : x), toInt64(a)))
  ),
  max: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) =>
    int64(v.map(toInt64).reduce((x, y) => (y > x ? y : x), toInt64(a)))
  ),
  min: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) =>
    int64(v.map(toInt64).reduce((x, y) => (y < x ? y : x), toInt64(a)))
  ),
  maxf: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) =>
    v.map(toFloat64).reduce((x, y) => Math.max(x, y), toFloat64(a))
  ),
  minf: variadic(['any'], 'any', (a: GoValue, ...v: GoValue[]) =>
    v.map(toFloat64).reduce((x, y) => Math.min(x, y), toFloat64(a))
  ),
  ceil: fixed(['any'], (v: GoValue) => Math.ceil(toFloat64(v))),
  floor: fixed(['any'], (v: GoValue) => Math.floor(toFloat64(v))),
  round: { params: ['any', 'int'], variadic: 'float64', fn: round as GoFunc['fn'] }
}
