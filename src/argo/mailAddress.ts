/**
 * Go's net/mail ParseAddress and Address.String(), which Argo CD applies to an
 * `Argocd-reference-commit-author` trailer: the trailer counts only when Go parses it, and
 * the co-author Argo CD writes is the re-formatted address (`"Jane Doe" <jane@example.com>`).
 * A port of the parser's decisions, checked against Go in test/argo-metadata.test.ts.
 */

export interface MailAddress {
  name: string
  address: string
}

class MailSyntaxError extends Error {}

const isMultibyte = (c: number) => c >= 0x80
const isVchar = (c: number) => (c >= 0x21 && c <= 0x7e) || isMultibyte(c)
const isWSP = (c: number) => c === 0x20 || c === 0x09
const isQtext = (c: number) => c !== 0x5c && c !== 0x22 && isVchar(c)

function isAtext(c: number, dot: boolean, permissive: boolean): boolean {
  const ch = String.fromCodePoint(c)
  if (ch === '.') return dot
  if ('()[];@\\,'.includes(ch)) return permissive
  if ('<>":'.includes(ch)) return false
  return isVchar(c)
}

function fail(message: string): never {
  throw new MailSyntaxError(message)
}

/** mime.WordDecoder.Decode with the default charsets (utf-8, iso-8859-1, us-ascii). */
function decodeWord(word: string): { text: string; encoded: boolean } {
  const invalid = { text: word, encoded: false }
  if (
    word.length < 8 ||
    !word.startsWith('=?') ||
    !word.endsWith('?=') ||
    word.split('?').length !== 5
  )
    return invalid
  const [charset = '', encoding = '', text = ''] = word.slice(2, -2).split('?')
  if (charset === '' || encoding.length !== 1) return invalid
  let bytes: Buffer
  if (encoding === 'b' || encoding === 'B') {
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
      return invalid
    bytes = Buffer.from(text, 'base64')
  } else if (encoding === 'q' || encoding === 'Q') {
    const out: number[] = []
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 0x5f) out.push(0x20)
      else if (c === 0x3d) {
        const hex = text.slice(i + 1, i + 3)
        if (i + 2 >= text.length || !/^[0-9A-Fa-f]{2}$/.test(hex)) return invalid
        out.push(parseInt(hex, 16))
        i += 2
      } else if ((c >= 0x20 && c <= 0x7e) || c === 0x0a || c === 0x0d || c === 0x09) out.push(c)
      else return invalid
    }
    bytes = Buffer.from(out)
  } else return invalid
  const lower = charset.toLowerCase()
  if (lower === 'utf-8') return { text: bytes.toString('utf8'), encoded: true }
  if (lower === 'iso-8859-1') return { text: bytes.toString('latin1'), encoded: true }
  if (lower === 'us-ascii')
    return {
      text: [...bytes].map(b => (b >= 0x80 ? '\ufffd' : String.fromCharCode(b))).join(''),
      encoded: true
    }
  return fail(`charset not supported: ${charset}`)
}

class Parser {
  constructor(public s: string) {}

  empty(): boolean {
    return this.s.length === 0
  }
  peek(): string {
    return this.s[0] as string
  }
  consume(c: string): boolean {
    if (this.empty() || this.peek() !== c) return false
    this.s = this.s.slice(1)
    return true
  }
  skipSpace(): void {
    this.s = this.s.replace(/^[ \t]+/, '')
  }
  skipCFWS(): boolean {
    this.skipSpace()
    while (this.consume('(')) {
      if (!this.consumeComment().ok) return false
      this.skipSpace()
    }
    return true
  }
  consumeComment(): { comment: string; ok: boolean } {
    let depth = 1
    let comment = ''
    while (!this.empty() && depth !== 0) {
      if (this.peek() === '\\' && this.s.length > 1) this.s = this.s.slice(1)
      else if (this.peek() === '(') depth++
      else if (this.peek() === ')') depth--
      if (depth > 0) comment += this.s[0]
      this.s = this.s.slice(1)
    }
    return { comment, ok: depth === 0 }
  }
  consumeAtom(dot: boolean, permissive: boolean): string {
    let i = 0
    while (i < this.s.length) {
      const c = this.s.codePointAt(i) as number
      if (!isAtext(c, dot, permissive)) break
      i += c > 0xffff ? 2 : 1
    }
    if (i === 0) fail('invalid string')
    const atom = this.s.slice(0, i)
    this.s = this.s.slice(i)
    if (!permissive && (atom.startsWith('.') || atom.includes('..') || atom.endsWith('.')))
      fail('bad dot in atom')
    return atom
  }
  consumeQuotedString(): string {
    let i = 1
    let out = ''
    let escaped = false
    for (;;) {
      if (i >= this.s.length) fail('unclosed quoted-string')
      const c = this.s.codePointAt(i) as number
      const ch = String.fromCodePoint(c)
      if (escaped) {
        if (!isVchar(c) && !isWSP(c)) fail('bad character in quoted-string')
        out += ch
        escaped = false
      } else if (isQtext(c) || isWSP(c)) out += ch
      else if (ch === '"') break
      else if (ch === '\\') escaped = true
      else fail('bad character in quoted-string')
      i += ch.length
    }
    this.s = this.s.slice(i + 1)
    return out
  }
  consumeAddrSpec(): string {
    const orig = this.s
    try {
      this.skipSpace()
      if (this.empty()) fail('no addr-spec')
      let local: string
      if (this.peek() === '"') {
        local = this.consumeQuotedString()
        if (local === '') fail('empty quoted string in addr-spec')
      } else local = this.consumeAtom(true, false)
      if (!this.consume('@')) fail('missing @ in addr-spec')
      this.skipSpace()
      if (this.empty()) fail('no domain in addr-spec')
      return `${local}@${this.consumeAtom(true, false)}`
    } catch (error) {
      this.s = orig
      throw error
    }
  }
  consumePhrase(): string {
    const words: string[] = []
    let prevEncoded = false
    for (;;) {
      this.skipSpace()
      if (this.empty()) break
      let word: string
      let encoded = false
      try {
        if (this.peek() === '"') word = this.consumeQuotedString()
        else {
          const decoded = decodeWord(this.consumeAtom(true, true))
          word = decoded.text
          encoded = decoded.encoded
        }
      } catch (error) {
        if (words.length === 0) throw error
        break
      }
      if (prevEncoded && encoded) words[words.length - 1] += word
      else words.push(word)
      prevEncoded = encoded
    }
    return words.join(' ')
  }
  consumeDisplayNameComment(): string {
    this.consume('(')
    const { comment, ok } = this.consumeComment()
    if (!ok) fail('misformatted parenthetical comment')
    return comment
      .split(/[ \t]+/)
      .filter(Boolean)
      .map(word => decodeWord(word).text)
      .join(' ')
  }
  parseAddress(handleGroup: boolean): MailAddress[] {
    this.skipSpace()
    if (this.empty()) fail('no address')
    let spec: string | undefined
    try {
      spec = this.consumeAddrSpec()
    } catch (error) {
      if (!(error instanceof MailSyntaxError)) throw error
    }
    if (spec !== undefined) {
      this.skipSpace()
      const name = !this.empty() && this.peek() === '(' ? this.consumeDisplayNameComment() : ''
      return [{ name, address: spec }]
    }
    const name = this.peek() !== '<' ? this.consumePhrase() : ''
    this.skipSpace()
    if (handleGroup && this.consume(':')) return this.consumeGroupList()
    if (!this.consume('<')) fail('no angle-addr')
    const address = this.consumeAddrSpec()
    if (!this.consume('>')) fail('unclosed angle-addr')
    return [{ name, address }]
  }
  consumeGroupList(): MailAddress[] {
    const group: MailAddress[] = []
    this.skipSpace()
    if (this.consume(';')) {
      this.skipCFWS()
      return group
    }
    for (;;) {
      this.skipSpace()
      group.push(...this.parseAddress(false))
      if (!this.skipCFWS()) fail('misformatted parenthetical comment')
      if (this.consume(';')) {
        this.skipCFWS()
        return group
      }
      if (!this.consume(',')) fail('expected comma')
    }
  }
}

/** net/mail.ParseAddress: the address, or undefined where Go returns an error. */
export function parseMailAddress(text: string): MailAddress | undefined {
  const parser = new Parser(text)
  try {
    const addresses = parser.parseAddress(true)
    if (!parser.skipCFWS() || !parser.empty() || addresses.length !== 1) return undefined
    return addresses[0]
  } catch (error) {
    if (error instanceof MailSyntaxError) return undefined
    throw error
  }
}

function quoteString(text: string): string {
  let out = '"'
  for (const ch of text) {
    const c = ch.codePointAt(0) as number
    if (isQtext(c) || isWSP(c)) out += ch
    else if (isVchar(c)) out += `\\${ch}`
  }
  return `${out}"`
}

const MAX_CONTENT = 75 - '=?UTF-8?q?'.length - '?='.length

/** mime.WordEncoder.Encode("utf-8", text) for `b` or `q`, split into words of at most 75 bytes. */
function encodeWord(kind: 'b' | 'q', text: string): string {
  if (![...text].some(ch => (ch < ' ' || ch > '~') && ch !== '\t')) return text
  const chunks: string[] = []
  if (kind === 'b') {
    const bytes = Buffer.from(text, 'utf8')
    const maxBytes = Math.floor(MAX_CONTENT / 4) * 3
    if (Math.ceil(bytes.length / 3) * 4 <= MAX_CONTENT) chunks.push(bytes.toString('base64'))
    else {
      let current: Buffer[] = []
      let length = 0
      for (const ch of text) {
        const rune = Buffer.from(ch, 'utf8')
        if (length + rune.length > maxBytes) {
          chunks.push(Buffer.concat(current).toString('base64'))
          current = []
          length = 0
        }
        current.push(rune)
        length += rune.length
      }
      chunks.push(Buffer.concat(current).toString('base64'))
    }
  } else {
    let current = ''
    let length = 0
    for (const ch of text) {
      const plain = ch >= ' ' && ch <= '~' && ch !== '=' && ch !== '?' && ch !== '_'
      const encoded =
        ch === ' '
          ? '_'
          : plain
            ? ch
            : [...Buffer.from(ch, 'utf8')]
                .map(b => `=${b.toString(16).toUpperCase().padStart(2, '0')}`)
                .join('')
      const size = plain ? 1 : 3 * Buffer.byteLength(ch, 'utf8')
      if (length + size > MAX_CONTENT) {
        chunks.push(current)
        current = ''
        length = 0
      }
      current += encoded
      length += size
    }
    chunks.push(current)
  }
  return chunks.map(chunk => `=?utf-8?${kind}?${chunk}?=`).join(' ')
}

/** Address.String(): `"Name" <local@domain>`, `<local@domain>`, or an encoded-word name. */
export function formatMailAddress({ name, address }: MailAddress): string {
  const at = address.lastIndexOf('@')
  let local = at < 0 ? address : address.slice(0, at)
  const domain = at < 0 ? '' : address.slice(at + 1)
  const chars = [...local]
  const quote = chars.some((ch, i) => {
    const c = ch.codePointAt(0) as number
    if (isAtext(c, false, false)) return false
    if (ch === '.' && i > 0 && chars[i - 1] !== '.' && i < chars.length - 1) return false
    return true
  })
  if (quote) local = quoteString(local)
  const angle = `<${local}@${domain}>`
  if (name === '') return angle
  const printable = [...name].every(ch => {
    const c = ch.codePointAt(0) as number
    return (isVchar(c) || isWSP(c)) && !isMultibyte(c)
  })
  if (printable) return `${quoteString(name)} ${angle}`
  const kind = /["#$%&'(),.:;<>@[\]^`{|}~]/.test(name) ? 'b' : 'q'
  return `${encodeWord(kind, name)} ${angle}`
}
