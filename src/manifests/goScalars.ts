/**
 * How go-yaml resolves a plain (unquoted) scalar, shared by both sides of what Argo CD does:
 * v2 is how Kubernetes reads rendered YAML (sigs.k8s.io/yaml), v3 is how the hydrator decides
 * which strings to quote when it writes manifest.yaml. Ports of go-yaml's `resolve`, with Go's
 * strconv number syntax and time.Parse formats spelled out.
 */

export type Resolved =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  /** May lie beyond int64 (go-yaml falls back to uint64 there). */
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'timestamp' }
  | { kind: 'str' }

const COMMON: Record<string, Resolved> = {}
for (const s of ['true', 'True', 'TRUE']) COMMON[s] = { kind: 'bool', value: true }
for (const s of ['false', 'False', 'FALSE']) COMMON[s] = { kind: 'bool', value: false }
for (const s of ['', '~', 'null', 'Null', 'NULL']) COMMON[s] = { kind: 'null' }
for (const s of ['.nan', '.NaN', '.NAN']) COMMON[s] = { kind: 'float', value: NaN }
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'])
  COMMON[s] = { kind: 'float', value: Infinity }
for (const s of ['-.inf', '-.Inf', '-.INF']) COMMON[s] = { kind: 'float', value: -Infinity }
// `<<` is in go-yaml's table too, but its first character keeps the lookup from reaching it.

/** YAML 1.1 booleans: values in go-yaml v2, quoted-on-output strings in v3. */
const OLD_BOOLS: Record<string, boolean> = {}
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']) OLD_BOOLS[s] = true
for (const s of ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']) OLD_BOOLS[s] = false

export function isOldBool(s: string): boolean {
  return Object.hasOwn(OLD_BOOLS, s)
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/
/** YAML 1.1 sexagesimal numbers: strings to go-yaml, but quoted on output for other parsers. */
export function isBase60Float(s: string): boolean {
  return BASE60_FLOAT.test(s)
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
/** strconv.ParseInt/ParseUint with base 0, after go-yaml removed every `_`. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/

function parseGoInt(plain: string): bigint | undefined {
  const m = GO_INT.exec(plain)
  if (!m) return undefined
  const [, sign, hex, oct, bin, oldOct, dec] = m
  const magnitude =
    hex !== undefined
      ? BigInt(`0x${hex}`)
      : oct !== undefined
        ? BigInt(`0o${oct}`)
        : bin !== undefined
          ? BigInt(`0b${bin}`)
          : oldOct !== undefined
            ? BigInt(`0o${oldOct.slice(1) || '0'}`)
            : BigInt(dec ?? '0')
  const value = sign === '-' ? -magnitude : magnitude
  if (value >= INT64_MIN && value <= INT64_MAX) return value
  // ParseUint takes no sign.
  return sign === '' && value <= UINT64_MAX ? value : undefined
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const TIMESTAMP =
  /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:([Tt])| +)(\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?(Z|[+-]\d\d:\d\d)?)?$/

/** go-yaml's parseTimestamp: the time.Parse layouts it tries, with their range checks. */
export function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s)
  if (!m) return false
  const [, y, mo, d, t, h, mi, sec, zone] = m
  // A zone only with `T`/`t`; `T`/`t` only with a zone.
  if (h !== undefined && (t === undefined) !== (zone === undefined)) return false
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12) return false
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = month === 2 && leap ? 29 : (DAYS[month - 1] ?? 31)
  if (day < 1 || day > days) return false
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)) return false
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 24 || Number(zone.slice(4)) > 60))
    return false
  return true
}

/**
 * go-yaml's resolve for an untagged plain scalar. `v2` adds the YAML 1.1 booleans
 * (`yes`, `on`, `y`, ...), which v2 reads as booleans and v3 as strings.
 */
export function resolvePlain(s: string, version: 'v2' | 'v3'): Resolved {
  const known = COMMON[s]
  if (known) return known
  if (version === 'v2' && isOldBool(s)) return { kind: 'bool', value: OLD_BOOLS[s] === true }
  const first = s[0] ?? ''
  if (first === '.') {
    // strconv.ParseFloat of a literal starting with `.`.
    return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s)
      ? { kind: 'float', value: Number(s) }
      : { kind: 'str' }
  }
  if (!/^[-+0-9]$/.test(first)) return { kind: 'str' }
  if (isTimestamp(s)) return { kind: 'timestamp' }
  const plain = s.replaceAll('_', '')
  const int = parseGoInt(plain)
  if (int !== undefined) return { kind: 'int', value: int }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain)
    // ParseFloat fails on overflow; the scalar then stays a string.
    if (Number.isFinite(value)) return { kind: 'float', value }
  }
  return { kind: 'str' }
}

/** Shortest digits that read back as the same float32, the closest of them (as Go picks). */
function float32Exponential(f: number): string {
  const target = Math.fround(f)
  for (let precision = 1; precision < 9; precision++) {
    const text = target.toExponential(precision - 1)
    if (Math.fround(Number(text)) === target) return text
  }
  return target.toExponential(8)
}

/** strconv.FormatFloat(f, 'g', -1, bits) with yaml's spellings of infinities and NaN. */
export function formatGoFloat(f: number, bits: 32 | 64 = 64): string {
  const value = bits === 32 ? Math.fround(f) : f
  if (Number.isNaN(value)) return '.nan'
  if (value === Infinity) return '.inf'
  if (value === -Infinity) return '-.inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const sign = value < 0 ? '-' : ''
  // Shortest round-trip digits, as Go's shortest formatting picks them.
  const exponential =
    bits === 32 ? float32Exponential(Math.abs(value)) : Math.abs(value).toExponential()
  const [mantissa = '', exponent = '0'] = exponential.split('e')
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0'
  const exp = Number(exponent)
  if (exp < -4 || exp >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const e = Math.abs(exp)
    return `${sign}${digits[0]}${fraction}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`
  }
  const point = exp + 1
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (digits.length <= point) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}
