import { printV, sprint, sprintf, sprintln } from './format.js'
import { fixed, type GoFunc, variadic } from './funcs.js'
import {
  GoInt,
  type GoValue,
  goKind,
  goType,
  intValue,
  isInteger,
  isMap,
  isTrue,
  typed
} from './values.js'

// text/template's builtin functions (funcs.go), with Go's errors. `call` needs a function
// value, which a JSON parameter never is: it is registered and always fails as Go's would.

/** indirectInterface: an interface holding nil is no value. */
const plain = (v: GoValue): GoValue => (v === null ? undefined : v)

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid'
function basicKind(v: GoValue): Kind {
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'bigint' || v instanceof GoInt) return 'int'
  if (typeof v === 'number') return 'float'
  if (typeof v === 'string') return 'string'
  return 'invalid'
}

/** Go 1.25 and later name the types (Argo CD v3.5 is built with Go 1.26). */
const incompatible = (a: GoValue, b: GoValue) =>
  new Error(`incompatible types for comparison: ${goType(a)} and ${goType(b)}`)

function eq(a: GoValue, ...rest: GoValue[]): boolean {
  const arg1 = plain(a)
  if (rest.length === 0) throw new Error('missing argument for comparison')
  const k1 = basicKind(arg1)
  for (const item of rest) {
    const arg = plain(item)
    const k2 = basicKind(arg)
    let truth = false
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) throw incompatible(arg1, arg)
    } else if (k1 === 'int') truth = intValue(arg1 as bigint) === intValue(arg as bigint)
    else if (k1 !== 'invalid') truth = arg1 === arg
    else {
      if (arg1 === undefined || arg === undefined) truth = arg1 === arg
      else if (goKind(arg1) !== goKind(arg))
        throw new Error(
          `non-comparable types ${printV(arg1)}: ${goType(arg1)}, ${goType(arg)}: ${printV(arg)}`
        )
      else throw new Error(`non-comparable type ${printV(arg1)}: ${goType(arg1)}`)
    }
    if (truth) return true
  }
  return false
}

function lt(a: GoValue, b: GoValue): boolean {
  const arg1 = plain(a)
  const arg2 = plain(b)
  const k1 = basicKind(arg1)
  const k2 = basicKind(arg2)
  if (k1 === 'invalid' || k2 === 'invalid') throw new Error('invalid type for comparison')
  if (k1 !== k2) throw incompatible(arg1, arg2)
  if (k1 === 'bool') throw new Error('invalid type for comparison')
  if (k1 === 'int') return intValue(arg1 as bigint) < intValue(arg2 as bigint)
  if (k1 === 'string')
    return Buffer.compare(Buffer.from(arg1 as string), Buffer.from(arg2 as string)) < 0
  return (arg1 as number) < (arg2 as number)
}

function indexArg(index: GoValue, cap: number): number {
  const value = plain(index)
  if (value === undefined) throw new Error('cannot index slice/array with nil')
  if (!isInteger(value)) throw new Error(`cannot index slice/array with type ${goType(value)}`)
  const x = intValue(value)
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`)
  return Number(x)
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  let value = plain(item)
  if (value === undefined) throw new Error('index of untyped nil')
  for (const raw of indexes) {
    const key = plain(raw)
    if (value === null) throw new Error('index of nil pointer')
    if (typeof value === 'string' || Array.isArray(value)) {
      const size: number = typeof value === 'string' ? Buffer.byteLength(value) : value.length
      const x = indexArg(key, size)
      if (x === size)
        throw new Error(
          `reflect: ${typeof value === 'string' ? 'string' : 'slice'} index out of range`
        )
      value =
        typeof value === 'string'
          ? new GoInt('uint8', BigInt(Buffer.from(value)[x] ?? 0))
          : value[x]
    } else if (isMap(value)) {
      if (typeof key !== 'string')
        throw new Error(
          `value has type ${key === undefined ? 'nil' : goType(key)}; should be string`
        )
      value = Object.hasOwn(value, key)
        ? value[key]
        : goType(value) === 'map[string]string'
          ? ''
          : null
    } else throw new Error(`can't index item of type ${goType(value as GoValue)}`)
  }
  return value
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  const value = plain(item)
  if (value === undefined) throw new Error('slice of untyped nil')
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`)
  let cap: number
  if (typeof value === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string')
    cap = Buffer.byteLength(value)
  } else if (Array.isArray(value)) cap = value.length
  else throw new Error(`can't slice item of type ${goType(value)}`)
  const idx = [0, cap]
  indexes.forEach((index, i) => (idx[i] = indexArg(index, cap)))
  const [from, to] = idx as [number, number]
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`)
  if (indexes.length === 3 && to > (idx[2] as number))
    throw new Error(`invalid slice index: ${to} > ${idx[2]}`)
  if (typeof value === 'string') return Buffer.from(value).subarray(from, to).toString('utf8')
  return typed(value.slice(from, to), goType(value))
}

function length(item: GoValue): bigint {
  const value = plain(item)
  if (value === undefined) throw new Error('len of nil pointer')
  if (typeof value === 'string') return BigInt(Buffer.byteLength(value))
  if (Array.isArray(value)) return BigInt(value.length)
  if (isMap(value)) return BigInt(Object.keys(value).length)
  throw new Error(`len of type ${goType(value)}`)
}

/** evalArgs of html/js/urlquery: one string as is, else Sprint of the printable values. */
function argsText(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0]
  return sprint(args.map(a => (a === null || a === undefined ? '<no value>' : a)))
}

export function htmlEscape(text: string): string {
  return text.replace(/[\0"'&<>]/g, c =>
    c === '\0'
      ? '\uFFFD'
      : ((
          { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' } as Record<
            string,
            string
          >
        )[c] as string)
  )
}

function jsEscape(text: string): string {
  let out = ''
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0
    if (c === '\\') out += '\\\\'
    else if (c === "'") out += "\\'"
    else if (c === '"') out += '\\"'
    else if (c === '<') out += '\\u003C'
    else if (c === '>') out += '\\u003E'
    else if (c === '&') out += '\\u0026'
    else if (c === '=') out += '\\u003D'
    else if (code < 0x20) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
    else out += c
  }
  return out
}

/** url.QueryEscape. */
export function queryEscape(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map(b => {
      const c = String.fromCharCode(b)
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c
      if (c === ' ') return '+'
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`
    })
    .join('')
}

const cmp = (f: (a: GoValue, b: GoValue) => boolean) => fixed(['reflect', 'reflect'], f)

export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', variadic(['reflect'], 'reflect', () => undefined)],
  ['or', variadic(['reflect'], 'reflect', () => undefined)],
  ['not', fixed(['reflect'], (v: GoValue) => !isTrue(plain(v)))],
  ['len', fixed(['reflect'], length)],
  ['index', variadic(['reflect'], 'reflect', index)],
  ['slice', variadic(['reflect'], 'reflect', slice)],
  ['print', variadic([], 'any', (...args: GoValue[]) => sprint(args))],
  [
    'printf',
    variadic(['string'], 'any', (format: string, ...args: GoValue[]) => sprintf(format, args))
  ],
  ['println', variadic([], 'any', (...args: GoValue[]) => sprintln(args))],
  ['eq', variadic(['reflect'], 'reflect', eq)],
  ['ne', cmp((a, b) => !eq(a, b))],
  ['lt', cmp(lt)],
  ['le', cmp((a, b) => lt(a, b) || eq(a, b))],
  ['gt', cmp((a, b) => !(lt(a, b) || eq(a, b)))],
  ['ge', cmp((a, b) => !lt(a, b))],
  ['html', variadic([], 'any', (...args: GoValue[]) => htmlEscape(argsText(args)))],
  ['js', variadic([], 'any', (...args: GoValue[]) => jsEscape(argsText(args)))],
  ['urlquery', variadic([], 'any', (...args: GoValue[]) => queryEscape(argsText(args)))],
  [
    'call',
    variadic(['reflect'], 'reflect', (fn: GoValue) => {
      const value = plain(fn)
      if (value === undefined) throw new Error('call of nil')
      throw new Error(`non-function of type ${goType(value)}`)
    })
  ]
])
