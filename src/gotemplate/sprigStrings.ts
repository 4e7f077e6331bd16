import { printV, sprintf } from './format.js'
import { goQuote } from './quote.js'
import { fixed, type GoFunc, variadic } from './funcs.js'
import { checkSize, LIMITS, refuseOver } from './limits.js'
import { camelCaseToLowerCase } from './sprigXstrings.js'
import { sortGoStrings } from './sortStrings.js'
import { type GoValue, typed } from './values.js'

// Sprig's string functions (strings.go, and the goutils/xstrings helpers it calls), byte for
// byte as Go computes them: Go strings are UTF-8 bytes, so lengths and cuts count bytes.

const bytes = (s: string) => Buffer.from(s, 'utf8')
const fromBytes = (b: Buffer) => b.toString('utf8')
const isGoSpace = (c: string) => /^[\t\n\v\f\r \u0085\u00A0\p{Zs}\u2028\u2029]$/u.test(c)

/** Sprig's strval: strings as they are, anything else as %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v
  return printV(v === undefined ? null : v)
}

/** Sprig's strslice: a list's non-nil elements as strings, a scalar as a one-element list. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v))
    return typed(v.filter(x => x !== null && x !== undefined).map(strval), '[]string')
  if (v === null || v === undefined) return typed([], '[]string')
  return typed([strval(v)], '[]string')
}

function trunc(c: bigint, s: string): string {
  const b = bytes(s)
  const n = Number(c)
  if (n < 0 && b.length + n > 0) return fromBytes(b.subarray(b.length + n))
  if (n >= 0 && b.length > n) return fromBytes(b.subarray(0, n))
  return s
}

function substr(start: bigint, end: bigint, s: string): string {
  const b = bytes(s)
  const from = Number(start)
  const to = Number(end)
  const cut = (a: number, z: number) => {
    if (a < 0 || z > b.length || a > z)
      throw new Error(`runtime error: slice bounds out of range [${a}:${z}]`)
    return fromBytes(b.subarray(a, z))
  }
  if (from < 0) return cut(0, to)
  if (to < 0 || to > b.length) return cut(from, b.length)
  return cut(from, to)
}

/** goutils.AbbreviateFull. */
function abbreviate(str: string, offset: number, maxWidth: number): string {
  const b = bytes(str)
  if (str === '' || b.length <= maxWidth) return str
  if (offset > b.length) offset = b.length
  if (b.length - offset < maxWidth - 3) offset = b.length - (maxWidth - 3)
  if (offset <= 4) return `${fromBytes(b.subarray(0, maxWidth - 3))}...`
  if (offset + maxWidth - 3 < b.length)
    return `...${abbreviate(fromBytes(b.subarray(offset)), 0, maxWidth - 3)}`
  return `...${fromBytes(b.subarray(b.length - (maxWidth - 3)))}`
}

/** strings.Title: upper case the letter after each separator. */
function title(s: string): string {
  let prev = ' '
  let out = ''
  for (const c of s) {
    const separator = /^[A-Za-z0-9_]$/.test(prev)
      ? false
      : prev.charCodeAt(0) < 0x80
        ? true
        : /^\p{L}|\p{Nd}$/u.test(prev)
          ? false
          : isGoSpace(prev)
    out += separator ? c.toUpperCase() : c
    prev = c
  }
  return out
}

function untitle(s: string): string {
  let next = true
  let out = ''
  for (const c of s) {
    if (isGoSpace(c)) next = true
    else if (next) {
      out += c.toLowerCase()
      next = false
      continue
    }
    out += c
  }
  return out
}

function initials(s: string): string {
  let gap = true
  let out = ''
  for (const b of bytes(s)) {
    const c = String.fromCharCode(b)
    if (isGoSpace(c)) gap = true
    else if (gap) {
      out += b < 0x80 ? c : fromBytes(Buffer.from([b]))
      gap = false
    }
  }
  return out
}

/** goutils.SwapCase: upper to lower, lower to upper (title case after a space is upper case). */
function swapcase(s: string): string {
  let out = ''
  for (const c of s) {
    if (/\p{Lu}|\p{Lt}/u.test(c)) out += c.toLowerCase()
    else if (/\p{Ll}/u.test(c)) out += c.toUpperCase()
    else out += c
  }
  return out
}

/** goutils.WrapCustom(str, width, newLine, wrapLongWords). */
function wrap(width: bigint, str: string, newLine = '\n', longWords = false): string {
  if (str === '') return ''
  refuseOver(
    'wrap output (bytes)',
    bytes(str).length * (bytes(newLine).length + 1),
    LIMITS.outputBytes
  )
  const b = bytes(str)
  let length = Number(width)
  if (length < 1) length = 1
  let offset = 0
  const out: string[] = []
  while (b.length - offset > length) {
    if (b[offset] === 0x20) {
      offset++
      continue
    }
    const end = Math.min(length + offset + 1, b.length)
    const space = b.subarray(offset, end).lastIndexOf(0x20)
    if (space >= 0) {
      out.push(fromBytes(b.subarray(offset, offset + space)), newLine)
      offset += space + 1
    } else if (longWords) {
      out.push(fromBytes(b.subarray(offset, offset + length)), newLine)
      offset += length
    } else {
      const next = b.indexOf(0x20, length + offset)
      if (next < 0) {
        out.push(fromBytes(b.subarray(offset)))
        offset = b.length
      } else {
        out.push(fromBytes(b.subarray(offset, next)), newLine)
        offset = next + 1
      }
    }
  }
  out.push(fromBytes(b.subarray(offset)))
  return out.join('')
}

function camelcase(str: string): string {
  const runes = [...str]
  const connector = (r: string) => r === '-' || r === '_' || isGoSpace(r)
  let out = ''
  let i = 0
  let r0 = ''
  for (; i < runes.length; i++) {
    r0 = runes[i] as string
    if (!connector(r0)) {
      r0 = r0.toUpperCase()
      i++
      break
    }
    out += r0
  }
  if (i >= runes.length) return runes.length ? out + r0 : out
  for (; i < runes.length; i++) {
    const r1 = r0
    r0 = runes[i] as string
    if (connector(r0) && connector(r1)) {
      out += r1
      continue
    }
    if (connector(r1)) r0 = r0.toUpperCase()
    else {
      r0 = r0.toLowerCase()
      out += r1
    }
  }
  return out + r0
}

function repeat(count: bigint, s: string): string {
  if (count < 0n) throw new Error('strings: negative Repeat count')
  refuseOver('repeat output (bytes)', Number(count) * bytes(s).length, LIMITS.outputBytes)
  return s.repeat(Number(count))
}

function indent(spaces: bigint, v: string): string {
  const lines = v.split('\n').length
  refuseOver(
    'indent output (bytes)',
    Math.max(0, Number(spaces)) * lines + bytes(v).length,
    LIMITS.outputBytes
  )
  const pad = ' '.repeat(Math.max(0, Number(spaces)))
  return pad + v.replaceAll('\n', `\n${pad}`)
}

function splitMap(parts: string[]): Record<string, GoValue> {
  const out: Record<string, GoValue> = {}
  parts.forEach((p, i) => (out[`_${i}`] = p))
  return typed(out, 'map[string]string')
}

/** strings.Split (an empty separator splits into UTF-8 sequences). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return []
  if (sep === '') {
    const runes = [...s]
    refuseOver('list length', runes.length, LIMITS.listLength)
    if (n < 0 || n >= runes.length) return runes
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')]
  }
  const parts = s.split(sep)
  refuseOver('list length', parts.length, LIMITS.listLength)
  if (n < 0 || parts.length <= n) return parts
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)]
}

const trimSet = (s: string, cut: string, left: boolean, right: boolean) => {
  const set = new Set(cut)
  const chars = [...s]
  let a = 0
  let z = chars.length
  if (left) while (a < z && set.has(chars[a] as string)) a++
  if (right) while (z > a && set.has(chars[z - 1] as string)) z--
  return chars.slice(a, z).join('')
}
const trimSpace = (s: string) => {
  const chars = [...s]
  let a = 0
  let z = chars.length
  while (a < z && isGoSpace(chars[a] as string)) a++
  while (z > a && isGoSpace(chars[z - 1] as string)) z--
  return chars.slice(a, z).join('')
}

const s1 = (f: (s: string) => GoValue) => fixed(['string'], f)
const s2 = (f: (a: string, b: string) => GoValue) => fixed(['string', 'string'], f)

export const STRING_FUNCS: Record<string, GoFunc> = {
  abbrev: fixed(['int', 'string'], (w: bigint, s: string) =>
    w < 4n ? s : abbreviate(s, 0, Number(w))
  ),
  abbrevboth: fixed(['int', 'int', 'string'], (l: bigint, r: bigint, s: string) =>
    r < 4n || (l > 0n && r < 7n) ? s : abbreviate(s, Number(l), Number(r))
  ),
  trunc: fixed(['int', 'string'], trunc),
  trim: s1(trimSpace),
  upper: s1(s => s.toUpperCase()),
  lower: s1(s => s.toLowerCase()),
  title: s1(title),
  untitle: s1(untitle),
  substr: fixed(['int', 'int', 'string'], substr),
  repeat: fixed(['int', 'string'], repeat),
  trimall: s2((a, b) => trimSet(b, a, true, true)),
  trimAll: s2((a, b) => trimSet(b, a, true, true)),
  trimSuffix: s2((a, b) => (b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: s2((a, b) => (b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: s1(s => [...s].filter(c => !isGoSpace(c)).join('')),
  initials: s1(initials),
  swapcase: s1(swapcase),
  camelcase: s1(camelcase),
  snakecase: s1(s => camelCaseToLowerCase(s, '_')),
  kebabcase: s1(s => camelCaseToLowerCase(s, '-')),
  wrap: fixed(['int', 'string'], (l: bigint, s: string) => wrap(l, s)),
  wrapWith: fixed(['int', 'string', 'string'], (l: bigint, sep: string, s: string) =>
    wrap(l, s, sep, true)
  ),
  contains: s2((a, b) => b.includes(a)),
  hasPrefix: s2((a, b) => b.startsWith(a)),
  hasSuffix: s2((a, b) => b.endsWith(a)),
  quote: variadic([], 'any', (...v: GoValue[]) => joinQuoted(v, x => goQuote(strval(x)))),
  squote: variadic([], 'any', (...v: GoValue[]) => joinQuoted(v, x => `'${printV(x)}'`)),
  cat: variadic([], 'any', (...v: GoValue[]) => {
    const items = v.filter(x => x !== null && x !== undefined)
    return sprintf('%v '.repeat(items.length).trim(), items)
  }),
  indent: fixed(['int', 'string'], indent),
  nindent: fixed(['int', 'string'], (n: bigint, v: string) => `\n${indent(n, v)}`),
  replace: fixed(['string', 'string', 'string'], (o: string, n: string, s: string) => {
    const count = o === '' ? [...s].length + 1 : s.split(o).length - 1
    refuseOver(
      'replace output (bytes)',
      count * bytes(n).length + bytes(s).length,
      LIMITS.outputBytes
    )
    return o === '' ? goReplaceEmpty(s, n) : s.split(o).join(n)
  }),
  plural: fixed(['string', 'string', 'int'], (one: string, many: string, n: bigint) =>
    n === 1n ? one : many
  ),
  toString: fixed(['any'], strval),
  toStrings: fixed(['any'], strslice),
  split: s2((sep, s) => splitMap(goSplit(s, sep))),
  splitList: s2((sep, s) => typed(goSplit(s, sep), '[]string')),
  splitn: fixed(['string', 'int', 'string'], (sep: string, n: bigint, s: string) =>
    splitMap(goSplit(s, sep, Number(n)))
  ),
  join: fixed(['string', 'any'], (sep: string, v: GoValue) => {
    const parts = strslice(v)
    checkSize(
      'join output',
      parts.reduce((n, p) => n + p.length + sep.length, 0)
    )
    return parts.join(sep)
  }),
  sortAlpha: fixed(['any'], (v: GoValue) => {
    if (!Array.isArray(v)) return typed([strval(v)], '[]string')
    return typed(sortGoStrings(strslice(v)), '[]string')
  })
}

/** quote and squote: the non-nil arguments, each quoted, joined by spaces (bounded). */
function joinQuoted(values: GoValue[], quoteOne: (v: GoValue) => string): string {
  let size = 0
  const parts = values
    .filter(x => x !== null && x !== undefined)
    .map(x => {
      const text = quoteOne(x)
      size += text.length + 1
      checkSize('quote output', size)
      return text
    })
  return parts.join(' ')
}

/** strings.Replace with an empty old string: the new one around every UTF-8 sequence. */
function goReplaceEmpty(s: string, n: string): string {
  return n + [...s].map(c => c + n).join('')
}
