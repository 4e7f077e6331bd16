// Go's strconv.Unquote for the three literal forms a template holds: "…", `…` and '…'.

const SIMPLE: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\'
}

/** The text of a Go literal, or undefined when Go's Unquote fails. */
export function unquoteGo(literal: string): string | undefined {
  const quote = literal[0]
  if (literal.length < 2 || literal[literal.length - 1] !== quote) return undefined
  const body = literal.slice(1, -1)
  if (quote === '`') return body.includes('`') ? undefined : body.replaceAll('\r', '')
  if (quote !== '"' && quote !== "'") return undefined
  if (body.includes('\n')) return undefined
  // Escapes may spell single bytes (\xff, \377): collect bytes, then decode as UTF-8.
  const bytes: number[] = []
  const pushText = (text: string) => bytes.push(...Buffer.from(text, 'utf8'))
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === quote) return undefined
    if (c !== '\\') {
      const code = body.codePointAt(i) ?? 0
      const char = String.fromCodePoint(code)
      pushText(char)
      i += char.length - 1
      continue
    }
    const e = body[++i]
    if (e === undefined) return undefined
    if (SIMPLE[e] !== undefined) pushText(SIMPLE[e])
    else if (e === quote) pushText(e)
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined
      bytes.push(parseInt(hex, 16))
      i += 2
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8
      const hex = body.slice(i + 1, i + 1 + n)
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined
      const code = parseInt(hex, 16)
      if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) return undefined
      pushText(String.fromCodePoint(code))
      i += n
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3)
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined
      bytes.push(parseInt(oct, 8))
      i += 2
    } else return undefined
  }
  const text = Buffer.from(bytes).toString('utf8')
  if (quote === "'" && [...text].length !== 1) return undefined
  return text
}
