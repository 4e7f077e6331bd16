import { formatGoFloat } from '../manifests/goScalars.js'
import { checkSize } from './limits.js'
import { goQuote, goQuoteRune } from './quote.js'
import { GoInt, type GoValue, goType, isMap, sortedKeys } from './values.js'

// Go's fmt for the values a template holds: Sprint, Sprintln and Sprintf with the verbs,
// flags, widths and precisions of fmt/print.go and fmt/format.go, including Go's
// `%!d(float64=1.5)` texts for a verb that does not fit.

interface Spec {
  minus: boolean
  plus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  width?: number
  precision?: number
}

const NO_FLAGS: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false }

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  let out = ''
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string'
    if (i > 0 && !isString && typeof args[i - 1] !== 'string') out += ' '
    out += formatValue(arg, 'v', NO_FLAGS)
    checkSize('print output', out.length)
  })
  return out
}

/** fmt.Sprintln: always spaces, and a newline. */
export function sprintln(args: readonly GoValue[]): string {
  return `${args.map(a => formatValue(a, 'v', NO_FLAGS)).join(' ')}\n`
}

/** %v of one value, as a template prints an action's result. */
export function printV(value: GoValue): string {
  return formatValue(value, 'v', NO_FLAGS)
}

export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = ''
  let argIndex = 0
  let i = 0
  while (i < format.length) {
    const c = format[i] as string
    if (c !== '%') {
      out += c
      i++
      continue
    }
    i++
    const spec: Spec = { ...NO_FLAGS }
    for (; i < format.length; i++) {
      const f = format[i]
      if (f === '-') spec.minus = true
      else if (f === '+') spec.plus = true
      else if (f === '#') spec.sharp = true
      else if (f === ' ') spec.space = true
      else if (f === '0') spec.zero = true
      else break
    }
    const tooLarge = (n: number) => n > 1e6 || n < -1e6
    // `*` takes an int argument (fmt's intFromArg); a bad one is BADWIDTH / BADPREC.
    const fromArg = (): number | undefined => {
      i++
      const arg = args[argIndex++]
      const n =
        arg instanceof GoInt || typeof arg === 'bigint'
          ? Number(arg instanceof GoInt ? arg.value : arg)
          : NaN
      return Number.isNaN(n) || tooLarge(n) ? undefined : n
    }
    // fmt's parsenum: digits until the number is too large, then the rest of the format is lost.
    const literal = (): number | undefined => {
      let n: number | undefined
      while (i < format.length && /[0-9]/.test(format[i] as string)) {
        if (n !== undefined && tooLarge(n)) {
          i = format.length
          return undefined
        }
        n = (n ?? 0) * 10 + Number(format[i])
        i++
      }
      return n
    }
    if (format[i] === '*') {
      spec.width = fromArg()
      if (spec.width === undefined) out += '%!(BADWIDTH)'
      else if (spec.width < 0) {
        spec.minus = true
        spec.width = -spec.width
      }
    } else spec.width = literal()
    if (format[i] === '.') {
      i++
      if (format[i] === '*') {
        spec.precision = fromArg()
        if (spec.precision === undefined || spec.precision < 0) {
          spec.precision = undefined
          out += '%!(BADPREC)'
        }
      } else spec.precision = literal() ?? 0
    }
    if (spec.minus) spec.zero = false
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0)
    if (i >= format.length) {
      out += '%!(NOVERB)'
      break
    }
    i += verb.length
    if (verb === '%') {
      out += '%'
      continue
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    out += formatValue(args[argIndex++], verb, spec)
    checkSize('printf output', out.length)
  }
  if (argIndex < args.length)
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map(a => (a === undefined || a === null ? '<nil>' : `${goType(a)}=${printV(a)}`))
      .join(', ')})`
  return out
}

function bad(value: GoValue, verb: string): string {
  if (value === undefined || value === null) return `%!${verb}(<nil>)`
  return `%!${verb}(${goType(value)}=${printV(value)})`
}

function pad(text: string, spec: Spec, zeroAllowed = true): string {
  const width = spec.width ?? 0
  const length = [...text].length
  if (length >= width) return text
  const fill = width - length
  if (spec.minus) return text + ' '.repeat(fill)
  if (spec.zero && zeroAllowed) {
    const sign = /^[+\- ]/.test(text) ? (text[0] as string) : ''
    return sign + '0'.repeat(fill) + text.slice(sign.length)
  }
  return ' '.repeat(fill) + text
}

export function formatValue(value: GoValue, verb: string, spec: Spec): string {
  if (verb === 'T')
    return pad(value === undefined || value === null ? '<nil>' : goType(value), spec)
  if (value === undefined || value === null)
    return verb === 'v' ? pad('<nil>', spec) : bad(value, verb)
  if (typeof value === 'string') return formatString(value, verb, spec)
  if (typeof value === 'boolean')
    return verb === 'v' || verb === 't' ? pad(String(value), spec) : bad(value, verb)
  if (typeof value === 'bigint' || value instanceof GoInt)
    return formatInteger(typeof value === 'bigint' ? value : value.value, verb, spec, value)
  if (typeof value === 'number') return formatFloat(value, verb, spec)
  let size = 0
  const inner = (v: GoValue) => {
    const text = formatValue(v, verb, spec)
    size += text.length + 1
    checkSize('print output', size)
    return text
  }
  if (Array.isArray(value)) {
    if (spec.sharp && verb === 'v')
      return `${goType(value)}{${value.map(v => goSyntax(v)).join(', ')}}`
    return `[${value.map(inner).join(' ')}]`
  }
  if (isMap(value)) {
    if (spec.sharp && verb === 'v') return goSyntax(value)
    return `map[${sortedKeys(value)
      .map(k => `${inner(k)}:${inner(value[k])}`)
      .join(' ')}]`
  }
  return bad(value, verb)
}

function formatString(value: string, verb: string, spec: Spec): string {
  const truncated =
    spec.precision !== undefined ? [...value].slice(0, spec.precision).join('') : value
  switch (verb) {
    case 'v':
      return spec.sharp ? pad(goQuote(value), spec) : pad(truncated, spec)
    case 's':
      return pad(truncated, spec)
    case 'q':
      return pad(
        spec.sharp && !value.includes('`') ? `\`${truncated}\`` : goQuote(truncated, spec.plus),
        spec
      )
    case 'x':
    case 'X': {
      let hex = Buffer.from(truncated, 'utf8').toString('hex')
      if (verb === 'X') hex = hex.toUpperCase()
      if (spec.space) hex = hex.replace(/(..)(?!$)/g, '$1 ')
      return pad(hex, spec)
    }
    default:
      return bad(value, verb)
  }
}

function formatInteger(n: bigint, verb: string, spec: Spec, original: GoValue): string {
  const negative = n < 0n
  const magnitude = negative ? -n : n
  let digits: string
  let prefix = ''
  switch (verb) {
    case 'v':
    case 'd':
      digits = magnitude.toString(10)
      break
    case 'b':
      digits = magnitude.toString(2)
      break
    case 'o':
    case 'O':
      digits = magnitude.toString(8)
      if (verb === 'O') prefix = '0o'
      else if (spec.sharp) prefix = '0'
      break
    case 'x':
    case 'X':
      digits = magnitude.toString(16)
      if (verb === 'X') digits = digits.toUpperCase()
      if (spec.sharp) prefix = verb === 'x' ? '0x' : '0X'
      break
    case 'c':
      return pad(String.fromCodePoint(Number(n)), spec)
    case 'q':
      return pad(goQuoteRune(Number(n)), spec)
    case 'U':
      return pad(`U+${magnitude.toString(16).toUpperCase().padStart(4, '0')}`, spec)
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 's':
    case 't':
      return bad(original, verb)
    default:
      return bad(original, verb)
  }
  if (spec.precision !== undefined) {
    digits = digits.padStart(spec.precision, '0')
    if (spec.precision === 0 && magnitude === 0n) digits = ''
  }
  const sign = negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : ''
  const body = prefix + digits
  if (spec.zero && spec.precision === undefined && spec.width !== undefined && !spec.minus)
    return sign + body.padStart(spec.width - sign.length, '0')
  return pad(sign + body, { ...spec, zero: false })
}

function formatFloat(f: number, verb: string, spec: Spec): string {
  let text: string
  if (!Number.isFinite(f)) {
    text = Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'
    if (Number.isNaN(f) && spec.plus) text = '+NaN'
    else if (f > 0 && !spec.plus) text = spec.space ? ' Inf' : 'Inf'
    if (verb === 'v' && f > 0 && !spec.plus && !spec.space) text = '+Inf'
    return pad(text, { ...spec, zero: false })
  }
  const precision = spec.precision
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      text =
        precision === undefined ? formatGoFloat(f) : goFloatG(f, precision === 0 ? 1 : precision)
      if (verb === 'G') text = text.toUpperCase()
      break
    case 'f':
    case 'F':
      text = fixed(f, precision ?? 6)
      break
    case 'e':
    case 'E':
      text = exponent(f, precision ?? 6)
      if (verb === 'E') text = text.toUpperCase()
      break
    default:
      return bad(f, verb)
  }
  if (!text.startsWith('-')) text = (spec.plus ? '+' : spec.space ? ' ' : '') + text
  return pad(text, spec)
}

/** %.Nf: Go rounds the exact binary value half to even; toFixed rounds a tie up. */
function fixed(f: number, precision: number): string {
  if (Math.abs(f) < 1e21) {
    const text = f.toFixed(precision)
    const exact = f.toFixed(Math.min(100, precision + 60))
    const rest = exact.slice(exact.length - (Math.min(100, precision + 60) - precision))
    if (!/^50*$/.test(rest)) return text
    // A tie: keep the truncated digits when their last one is even.
    const truncated = exact.slice(0, exact.length - rest.length).replace(/\.$/, '')
    const lastDigit = Number(truncated.replace('.', '').slice(-1))
    return lastDigit % 2 === 0 ? truncated : text
  }
  const [int] = BigInt(Math.trunc(f)).toString().split('.')
  return precision > 0 ? `${int}.${'0'.repeat(precision)}` : (int as string)
}

function exponent(f: number, precision: number): string {
  const [mantissa, exp] = f.toExponential(precision).split('e') as [string, string]
  const n = Number(exp)
  return `${mantissa}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`
}

/** strconv.FormatFloat(f, 'g', precision, 64). */
function goFloatG(f: number, precision: number): string {
  const [mantissa, exp] = f.toExponential(precision - 1).split('e') as [string, string]
  const e = Number(exp)
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s)
  if (e < -4 || e >= precision)
    return `${trim(mantissa)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  return trim(f.toFixed(Math.max(0, precision - 1 - e)))
}

/** %#v: Go syntax for the values a template holds. */
function goSyntax(value: GoValue): string {
  if (value === undefined || value === null) return '<nil>'
  if (typeof value === 'string') return goQuote(value)
  if (typeof value === 'number') return formatGoFloat(value)
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value instanceof GoInt) return `0x${value.value.toString(16)}`
  if (Array.isArray(value)) return `${goType(value)}{${value.map(goSyntax).join(', ')}}`
  return `${goType(value)}{${sortedKeys(value)
    .map(k => `${goQuote(k)}:${goSyntax(value[k])}`)
    .join(', ')}}`
}
