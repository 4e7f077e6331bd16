import { fixed, type GoFunc, variadic } from './funcs.js'
import { checkSize } from './limits.js'
import { GoInt, type GoValue, intValue, sortedKeys, typed } from './values.js'
import { empty } from './sprigReflect.js'
import { setOwn } from '../security/ownProperty.js'

// Sprig's defaults and JSON functions (defaults.go): default, empty, coalesce, all, any,
// ternary, and encoding/json's Marshal, MarshalIndent, Encoder without HTML escaping, Unmarshal.

/** encoding/json's string encoding (HTML escaping on unless `raw`). */
function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"'
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0
    if (c === '"' || c === '\\') out += `\\${c}`
    else if (code === 0x0a) out += '\\n'
    else if (code === 0x0d) out += '\\r'
    else if (code === 0x09) out += '\\t'
    else if (code === 0x08) out += '\\b'
    else if (code === 0x0c) out += '\\f'
    else if (
      code < 0x20 ||
      code === 0x2028 ||
      code === 0x2029 ||
      (escapeHTML && (c === '<' || c === '>' || c === '&'))
    )
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += c
  }
  return `${out}"`
}

/** json.Marshal's float64: %f between 1e-6 and 1e21, else %e with a short exponent. */
function jsonNumber(n: number): string {
  if (!Number.isFinite(n))
    throw new Error(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`)
  return Object.is(n, -0) ? '-0' : JSON.stringify(n)
}

export function marshalJson(
  value: GoValue,
  indent: string,
  escapeHTML: boolean,
  depth = 0
): string {
  if (value === undefined || value === null) return 'null'
  if (typeof value === 'string') return jsonString(value, escapeHTML)
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'number') return jsonNumber(value)
  if (typeof value === 'bigint' || value instanceof GoInt) return intValue(value).toString()
  const inner = indent ? `\n${indent.repeat(depth + 1)}` : ''
  const close = indent ? `\n${indent.repeat(depth)}` : ''
  // Parts are counted as they are made: a list holding one large string many times must not
  // build its whole text before the bound sees it.
  let size = 0
  const part = (text: string) => {
    size += text.length + 1
    checkSize('JSON output', size)
    return text
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const items = value.map(v => part(inner + marshalJson(v, indent, escapeHTML, depth + 1)))
    return `[${items.join(',')}${close}]`
  }
  const keys = sortedKeys(value)
  if (keys.length === 0) return '{}'
  const sep = indent ? ': ' : ':'
  const entries = keys.map(k =>
    part(
      `${inner}${jsonString(k, escapeHTML)}${sep}${marshalJson(value[k], indent, escapeHTML, depth + 1)}`
    )
  )
  return `{${entries.join(',')}${close}}`
}

/** json.Unmarshal into interface{}: float64 numbers, maps of interface{}. */
export function unmarshalJson(text: string): GoValue {
  const convert = (v: unknown): GoValue => {
    if (Array.isArray(v)) return typed(v.map(convert), '[]interface {}')
    if (v !== null && typeof v === 'object') {
      const out: Record<string, GoValue> = {}
      for (const [k, x] of Object.entries(v)) setOwn(out, k, convert(x))
      return typed(out, 'map[string]interface {}')
    }
    return v as GoValue
  }
  try {
    return convert(JSON.parse(text) as unknown)
  } catch (error) {
    throw new Error(
      text.trim() === ''
        ? 'unexpected end of JSON input'
        : `invalid JSON: ${(error as Error).message}`
    )
  }
}

const toJson = (indent: string, escapeHTML: boolean) =>
  fixed(['any'], (v: GoValue) => marshalJson(v, indent, escapeHTML))

export const DEFAULT_FUNCS: Record<string, GoFunc> = {
  default: variadic(['any'], 'any', (d: GoValue, ...given: GoValue[]) =>
    given.length === 0 || empty(given[0]) ? d : (given[0] as GoValue)
  ),
  empty: fixed(['any'], empty),
  coalesce: variadic([], 'any', (...v: GoValue[]) => v.find(x => !empty(x)) ?? null),
  all: variadic([], 'any', (...v: GoValue[]) => v.every(x => !empty(x))),
  any: variadic([], 'any', (...v: GoValue[]) => v.some(x => !empty(x))),
  ternary: fixed(['any', 'any', 'bool'], (t: GoValue, f: GoValue, c: boolean) => (c ? t : f)),
  fromJson: fixed(['string'], (s: string) => {
    try {
      return unmarshalJson(s)
    } catch {
      return null
    }
  }),
  mustFromJson: fixed(['string'], unmarshalJson),
  toJson: toJson('', true),
  mustToJson: toJson('', true),
  toPrettyJson: toJson('  ', true),
  mustToPrettyJson: toJson('  ', true),
  toRawJson: toJson('', false),
  mustToRawJson: toJson('', false),
  fail: fixed(['string'], (msg: string) => {
    throw new Error(msg)
  }),
  hello: fixed([], () => 'Hello!')
}
