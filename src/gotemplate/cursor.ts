import type { Token } from './lexer.js'

/** The parser's position in the token list (parse.go's peek, next, backup…). */
export class Cursor {
  index = 0
  constructor(private readonly tokens: Token[]) {}
  peek = (): Token => this.tokens[this.index] as Token
  next = (): Token => this.tokens[this.index++] as Token
  backup = (): void => {
    this.index--
  }
  nextNonSpace = (): Token => {
    let token = this.next()
    while (token.type === 'space') token = this.next()
    return token
  }
  peekNonSpace = (): Token => {
    const token = this.nextNonSpace()
    this.backup()
    return token
  }
}

/** item.String() as parse errors quote a token. */
export function tokenString(token: Token): string {
  if (token.type === 'eof') return 'EOF'
  if (token.type === 'keyword') return `<${token.value}>`
  if (token.value.length > 10) return `${JSON.stringify(token.value).slice(0, 11)}...`
  return JSON.stringify(token.value)
}
