/**
 * CEL's optional syntax (`a.?b`, `a[?k]`) that the parser of @bufbuild/cel does not read yet:
 * rewritten before parsing into names the AST pass (`instrument.ts`) turns into calls of
 * the optional library, with a map back to the source's offsets for error positions.
 */
export const OPT_FIELD = '__opt__'
export const OPT_INDEX = '__optidx__'

export interface Rewritten {
  text: string
  /** Offset in the rewritten text → offset in the source. */
  original(offset: number): number
}

const IDENT = /[A-Za-z0-9_]/

export function rewriteOptionalSyntax(source: string): Rewritten {
  let text = ''
  const inserted: Array<{ at: number; length: number }> = []
  const insert = (piece: string) => {
    inserted.push({ at: text.length, length: piece.length })
    text += piece
  }
  const brackets: boolean[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    const quote = stringStart(source, i)
    if (quote) {
      const end = stringEnd(source, quote.bodyStart, quote.delimiter, quote.raw)
      text += source.slice(i, end)
      i = end
      continue
    }
    if (c === '.' && source[i + 1] === '?' && IDENT.test(source[i + 2] ?? '')) {
      text += '.'
      insert(OPT_FIELD)
      i += 2
      continue
    }
    if (c === '[') {
      const optional = source[i + 1] === '?' && followsOperand(source, i)
      brackets.push(optional)
      if (optional) {
        text += '['
        insert(`${OPT_INDEX}(`)
        i += 2
        continue
      }
    } else if (c === ']' && brackets.pop()) {
      insert(')')
    }
    text += c
    i++
  }
  return {
    text,
    original(offset) {
      const before = inserted.filter(piece => piece.at < offset)
      return (
        offset - before.reduce((sum, piece) => sum + Math.min(piece.length, offset - piece.at), 0)
      )
    }
  }
}

function followsOperand(source: string, index: number): boolean {
  const before = source.slice(0, index).trimEnd()
  return /[A-Za-z0-9_)\]}'"]$/.test(before)
}

function stringStart(
  source: string,
  i: number
): { delimiter: string; bodyStart: number; raw: boolean } | undefined {
  const prefix = /^[rRbB]{0,2}/.exec(source.slice(i, i + 2))![0]
  // A prefix letter only starts a string where it does not end an identifier.
  if (prefix && i > 0 && IDENT.test(source[i - 1]!)) return undefined
  const at = i + prefix.length
  const quote = source[at]
  if (quote !== '"' && quote !== "'") return undefined
  const delimiter = source.startsWith(quote.repeat(3), at) ? quote.repeat(3) : quote
  return { delimiter, bodyStart: at + delimiter.length, raw: /[rR]/.test(prefix) }
}

function stringEnd(source: string, from: number, delimiter: string, raw: boolean): number {
  let i = from
  while (i < source.length) {
    if (!raw && source[i] === '\\') {
      i += 2
      continue
    }
    if (source.startsWith(delimiter, i)) return i + delimiter.length
    i++
  }
  return source.length
}
