// strconv.Quote and QuoteRune, as %q prints.

/** strconv.Quote (or QuoteToASCII with `ascii`). */
export function goQuote(text: string, ascii = false): string {
  let out = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (code === 7) out += '\\a'
    else if (code === 8) out += '\\b'
    else if (code === 12) out += '\\f'
    else if (code === 10) out += '\\n'
    else if (code === 13) out += '\\r'
    else if (code === 9) out += '\\t'
    else if (code === 11) out += '\\v'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code === 0xfffd && ch === '\ufffd') out += ch
    else if (ascii && code > 0x7f)
      out +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`
    else if (!isPrintable(code))
      out +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

export function goQuoteRune(code: number): string {
  if (code === 39) return "'\\''"
  if (code === 34) return `'"'`
  return `'${goQuote(String.fromCodePoint(code)).slice(1, -1)}'`
}

function isPrintable(code: number): boolean {
  const ch = String.fromCodePoint(code)
  return !/[\p{C}\p{Zl}\p{Zp}]/u.test(ch) && !(/\p{Zs}/u.test(ch) && code !== 0x20)
}
