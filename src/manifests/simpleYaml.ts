/**
 * A fast path for the YAML that kustomize and helm print: block mappings and sequences,
 * single-line scalars, `---` between documents. parseAllDocuments builds a syntax tree per
 * document, which costs more than the rest of hydrating a target; this reads that common
 * subset straight into the values `document.toJS({ mapAsMap: true })` gives under
 * KUBERNETES_YAML. Anything outside the subset (anchors, tags, block or multi-line scalars,
 * flow collections other than `{}`/`[]`, escapes, comments after a value, duplicate keys,
 * `List` kinds, empty documents) returns undefined and the caller parses with the yaml package.
 */
import { resolvePlain } from './goScalars.js'

/** Not read by this path: control characters, tabs, CR, Unicode line breaks, BOM. */
// eslint-disable-next-line no-control-regex
const UNUSUAL_CHARACTER = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/
/** Keys read here: a plain scalar of these characters that resolves to a string (and short: YAML caps implicit keys at 1024). */
const SIMPLE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,252}$/
/** Indicators that start something other than a plain scalar (YAML 1.2 §5.3). */
const INDICATOR_START = /^[,[\]{}#&*!|>'"%@`]|^[-?:](?: |$)/

/** Stops the fast path: the input is outside its subset. */
class NotSimple extends Error {}

interface Line {
  indent: number
  content: string
}

/** Per document, its value as the yaml package reads it; undefined when not in the subset. */
export function parseSimpleDocuments(text: string): unknown[] | undefined {
  if (text === '' || UNUSUAL_CHARACTER.test(text)) return undefined
  const chunks: Line[][] = [[]]
  const rows = text.split('\n')
  if (rows[rows.length - 1] === '') rows.pop()
  let opened = false
  for (const row of rows) {
    if (row === '---') {
      // A leading `---` (helm's output) opens the first document.
      if (opened || (chunks[0] as Line[]).length > 0) chunks.push([])
      opened = true
      continue
    }
    const content = row.trimStart()
    // Blank and comment lines hold no value: only scalars this path refuses (block and
    // multi-line ones) would take them in.
    if (content === '' || content.startsWith('#')) continue
    if (content.endsWith(' ')) return undefined
    ;(chunks[chunks.length - 1] as Line[]).push({ indent: row.length - content.length, content })
  }
  try {
    return chunks.map(document)
  } catch (error) {
    if (error instanceof NotSimple) return undefined
    throw error
  }
}

function document(lines: Line[]): unknown {
  if (lines.length === 0 || lines[0]?.indent !== 0) throw new NotSimple()
  const reader = new Reader(lines)
  const value = reader.block(0)
  if (!reader.done()) throw new NotSimple()
  // A `List` document becomes one document per item: the yaml package's path does that.
  if (value instanceof Map) {
    const kind = value.get('kind')
    if (typeof kind === 'string' && kind.endsWith('List')) throw new NotSimple()
  }
  return value
}

class Reader {
  private next = 0

  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.next === this.lines.length
  }

  private peek(): Line | undefined {
    return this.lines[this.next]
  }

  /** A mapping or sequence whose first line is the next one, at `indent`. */
  block(indent: number): unknown {
    const line = this.peek()
    if (!line || line.indent !== indent) throw new NotSimple()
    return isSequenceItem(line.content) ? this.sequence(indent) : this.mapping(indent)
  }

  private mapping(indent: number): Map<string, unknown> {
    const map = new Map<string, unknown>()
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent || isSequenceItem(line.content)) throw new NotSimple()
      const colon = line.content.indexOf(':')
      const key = line.content.slice(0, colon)
      const rest = line.content.slice(colon + 1)
      if (colon < 1 || !isStringKey(key) || (rest !== '' && !rest.startsWith(' ')))
        throw new NotSimple()
      if (map.has(key)) throw new NotSimple()
      this.next++
      map.set(key, rest === '' ? this.nested(indent) : scalar(rest.slice(1)))
    }
    return map
  }

  /** The value under `key:`: a deeper block, a sequence at the key's indent, or null. */
  private nested(indent: number): unknown {
    const line = this.peek()
    if (line && line.indent > indent) return this.block(line.indent)
    if (line && line.indent === indent && isSequenceItem(line.content)) return this.sequence(indent)
    return null
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = []
    for (let line = this.peek(); line && line.indent === indent; line = this.peek()) {
      if (!isSequenceItem(line.content)) break
      const item = line.content === '-' ? '' : line.content.slice(2)
      if (item === '') {
        this.next++
        const below = this.peek()
        items.push(below && below.indent > indent ? this.block(below.indent) : null)
      } else if (isSequenceItem(item) || startsMapping(item)) {
        // `- key: value` / `- - item`: a block at the column after the dash.
        this.lines[this.next] = { indent: indent + 2, content: item }
        items.push(this.block(indent + 2))
      } else {
        this.next++
        items.push(scalar(item))
      }
    }
    const after = this.peek()
    if (after && after.indent > indent) throw new NotSimple()
    return items
  }
}

function isSequenceItem(content: string): boolean {
  return content === '-' || content.startsWith('- ')
}

function startsMapping(content: string): boolean {
  const colon = content.indexOf(':')
  return colon > 0 && (content[colon + 1] === ' ' || colon === content.length - 1)
}

function isStringKey(key: string): boolean {
  return SIMPLE_KEY.test(key) && resolvePlain(key, 'v2').kind === 'str'
}

/** A single-line value after `key: ` or `- `. */
function scalar(text: string): unknown {
  if (text === '{}') return new Map()
  if (text === '[]') return []
  const quote = text[0]
  if (quote === '"') {
    const inner = text.slice(1, -1)
    if (text.length < 2 || !text.endsWith('"') || /["\\]/.test(inner)) throw new NotSimple()
    return inner
  }
  if (quote === "'") {
    const inner = text.slice(1, -1)
    if (text.length < 2 || !text.endsWith("'") || inner.replaceAll("''", '').includes("'"))
      throw new NotSimple()
    return inner.replaceAll("''", "'")
  }
  if (
    text.startsWith(' ') ||
    INDICATOR_START.test(text) ||
    text.includes(': ') ||
    text.includes(' #') ||
    text.endsWith(':')
  )
    throw new NotSimple()
  const resolved = resolvePlain(text, 'v2')
  switch (resolved.kind) {
    case 'null':
      return null
    case 'bool':
    case 'int':
    case 'float':
      return resolved.value
    default:
      return text
  }
}
