/**
 * The bytes Go's encoding/json Encoder writes with SetIndent("", "  ") and
 * SetEscapeHTML(false), as Argo CD's hydrator writes hydrator.metadata (docs/output-layout.md "Output
 * layout", ADR 0010). Only what that metadata holds: strings, arrays and objects whose
 * keys come in struct field order.
 */
export type GoJsonValue = string | GoJsonValue[] | { [key: string]: GoJsonValue }

/**
 * A Go JSON string. `<`, `>` and `&` stay raw (no HTML escaping); `\b` and `\f` are short
 * escapes as since Go 1.22 (Argo CD builds with a newer Go); U+2028/U+2029 are always
 * escaped; a lone surrogate (invalid UTF-8 to Go) becomes `\ufffd`.
 */
export function goJsonString(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c === 0x09) out += '\\t'
    else if (c === 0x08) out += '\\b'
    else if (c === 0x0c) out += '\\f'
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text.slice(i, i + 2)
        i++
      } else out += '\\ufffd'
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\\ufffd'
    else out += text.charAt(i)
  }
  return `${out}"`
}

function encode(value: GoJsonValue, indent: string): string {
  if (typeof value === 'string') return goJsonString(value)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[\n${value.map(v => inner + encode(v, inner)).join(',\n')}\n${indent}]`
  }
  const keys = Object.keys(value)
  if (keys.length === 0) return '{}'
  return `{\n${keys
    .map(key => `${inner}${goJsonString(key)}: ${encode(value[key] as GoJsonValue, inner)}`)
    .join(',\n')}\n${indent}}`
}

/** `Encoder.Encode` with two-space indent: the value, then one newline. */
export function goJsonEncode(value: GoJsonValue): string {
  return `${encode(value, '')}\n`
}
