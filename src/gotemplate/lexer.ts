import { TemplateParseError } from './errors.js'

// A port of Go's text/template/parse lexer (lex.go): the same tokens, trim markers, comments
// and error texts, scanned up front instead of by a goroutine.

export type TokenType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'comment'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'keyword'
  | 'dot'

export interface Token {
  type: TokenType
  /** Byte offset of the token in the template text (Go's Pos). */
  pos: number
  value: string
  line: number
}

export const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'nil',
  'template',
  'with'
])

const LEFT = '{{'
const RIGHT = '}}'
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n'
const isAlphaNumeric = (c: string | undefined) => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c)

/** UTF-8 byte length of a JavaScript string. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

export function lex(name: string, input: string): Token[] {
  const tokens: Token[] = []
  let start = 0
  let pos = 0
  let line = 1
  let startLine = 1
  let parenDepth = 0
  // Offsets in Go are bytes: a running byte offset, advanced from the last one asked (tokens
  // come in order), so lexing stays linear.
  let knownIndex = 0
  let knownBytes = 0
  const bytePos = (index: number) => {
    if (index < knownIndex) return byteLength(input.slice(0, index))
    knownBytes += byteLength(input.slice(knownIndex, index))
    knownIndex = index
    return knownBytes
  }

  const fail = (message: string): never => {
    throw new TemplateParseError(`template: ${name}:${startLine}: ${message}`)
  }
  const emit = (type: TokenType, value = input.slice(start, pos)) => {
    tokens.push({ type, pos: bytePos(start), value, line: startLine })
    start = pos
    startLine = line
  }
  const advance = (n: number) => {
    for (let i = 0; i < n; i++) if (input[pos + i] === '\n') line++
    pos += n
  }
  const ignore = () => {
    start = pos
    startLine = line
  }
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false }
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true }
    return { delim: false, trim: false }
  }
  const skipSpaceAfterTrim = () => {
    while (isSpace(input[pos])) advance(1)
    ignore()
  }

  for (;;) {
    // Text up to the next left delimiter.
    const next = input.indexOf(LEFT, pos)
    if (next < 0) {
      advance(input.length - pos)
      if (pos > start) emit('text')
      tokens.push({ type: 'eof', pos: bytePos(pos), value: '', line })
      return tokens
    }
    advance(next - pos)
    const trimLeft = input[next + 2] === '-' && isSpace(input[next + 3]) ? 1 : 0
    if (pos > start) {
      let text = input.slice(start, pos)
      if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '')
      if (text !== '')
        tokens.push({ type: 'text', pos: bytePos(start), value: text, line: startLine })
    }
    ignore()
    advance(2)
    tokens.push({ type: 'leftDelim', pos: bytePos(start), value: LEFT, line: startLine })
    if (trimLeft) advance(2)
    ignore()
    // A comment: `/*` right after the delimiter (and its trim marker).
    if (input.startsWith('/*', pos)) {
      const end = input.indexOf('*/', pos + 2)
      if (end < 0) fail('unclosed comment')
      advance(end + 2 - pos)
      emit('comment')
      const right = atRightDelim()
      if (!right.delim) fail('comment ends before closing delimiter')
      advance(right.trim ? 4 : 2)
      emit('rightDelim', RIGHT)
      if (right.trim) skipSpaceAfterTrim()
      continue
    }
    parenDepth = 0
    // Inside an action.
    for (;;) {
      const right = atRightDelim()
      if (right.delim && parenDepth > 0) fail('unclosed left paren')
      if (right.delim) {
        if (right.trim) {
          advance(1)
          ignore()
        }
        // Go emits the space before a trim marker as part of the delimiter.
        advance(right.trim ? 3 : 2)
        emit('rightDelim', RIGHT)
        if (right.trim) skipSpaceAfterTrim()
        break
      }
      if (pos >= input.length) fail('unclosed action')
      const c = input[pos] as string
      if (isSpace(c)) {
        // A run of spaces; stop before a trim marker so the delimiter sees it.
        while (isSpace(input[pos]) && !atRightDelim().delim) advance(1)
        emit('space')
      } else if (c === '=') {
        advance(1)
        emit('assign')
      } else if (c === ':') {
        if (input[pos + 1] !== '=') fail('expected :=')
        advance(2)
        emit('declare')
      } else if (c === '|') {
        advance(1)
        emit('pipe')
      } else if (c === '"') {
        advance(1)
        for (;;) {
          const d = input[pos]
          if (d === '\\') {
            if (input[pos + 1] === undefined || input[pos + 1] === '\n')
              fail('unterminated quoted string')
            advance(2)
            continue
          }
          if (d === undefined || d === '\n') fail('unterminated quoted string')
          advance(1)
          if (d === '"') break
        }
        emit('string')
      } else if (c === '`') {
        const end = input.indexOf('`', pos + 1)
        if (end < 0) fail('unterminated raw quoted string')
        advance(end + 1 - pos)
        emit('rawString')
      } else if (c === "'") {
        advance(1)
        for (;;) {
          const d = input[pos]
          if (d === '\\') {
            advance(2)
            continue
          }
          if (d === undefined || d === '\n') fail('unterminated character constant')
          advance(1)
          if (d === "'") break
        }
        emit('charConstant')
      } else if (c === '$' || (c === '.' && !/[0-9]/.test(input[pos + 1] ?? ''))) {
        advance(1)
        if (atTerminator()) {
          emit(c === '$' ? 'variable' : 'dot')
          continue
        }
        while (isAlphaNumeric(input[pos])) advance(1)
        if (!atTerminator()) fail(`bad character ${goRune(input[pos] ?? '')}`)
        emit(c === '$' ? 'variable' : 'field')
      } else if (c === '+' || c === '-' || c === '.' || /[0-9]/.test(c)) {
        const m =
          /^[+-]?(0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*(?:[pP][+-]?[0-9_]+)?|0[bBoO][0-9_]+|(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?)i?/.exec(
            input.slice(pos)
          )
        const length = m ? m[0].length : 1
        if (isAlphaNumeric(input[pos + length]) || length === 0)
          fail(`bad number syntax: "${input.slice(pos, pos + length + 1)}"`)
        advance(length)
        emit('number')
      } else if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(input[pos])) advance(1)
        if (!atTerminator()) fail(`bad character ${goRune(input[pos] ?? '')}`)
        const word = input.slice(start, pos)
        if (KEYWORDS.has(word)) emit('keyword')
        else if (word === 'true' || word === 'false') emit('bool')
        else emit('identifier')
      } else if (c === '(') {
        advance(1)
        parenDepth++
        emit('leftParen')
      } else if (c === ')') {
        advance(1)
        parenDepth--
        if (parenDepth < 0) fail('unexpected right paren')
        emit('rightParen')
      } else if (c.charCodeAt(0) <= 0x7f && /[\x21-\x7e]/.test(c)) {
        advance(1)
        emit('char')
      } else fail(`unrecognized character in action: ${goRune(c)}`)
    }
  }

  function atTerminator(): boolean {
    const c = input[pos]
    if (c === undefined || isSpace(c)) return true
    if ('.,|:)('.includes(c)) return true
    return input.startsWith(RIGHT, pos)
  }
}

/** Go's %#U of a rune: U+0021 '!'. */
export function goRune(c: string): string {
  const code = c.codePointAt(0) ?? 0
  const hex = code.toString(16).toUpperCase().padStart(4, '0')
  return `U+${hex} '${c}'`
}
