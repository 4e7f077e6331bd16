/**
 * manifest.yaml as Argo CD's source hydrator writes it: each object through go-yaml v3's
 * Encoder with SetIndent(2), one Encode per object. A port of the parts of yaml.v3's encoder
 * and emitter (encode.go, emitterc.go, sorter.go) that a JSON-decoded value reaches: block
 * mappings and sequences, `{}`/`[]` when empty, and the scalar styles yaml.v3 picks.
 * test/argo-yaml.test.ts checks it byte for byte against the Go encoder.
 */
import type { GoMap, GoValue } from './argoValue.js'
import { analyze, escape, isBreak, isPrintable, sortedKeys } from './argoYamlScalars.js'
import { formatGoFloat, isBase60Float, isOldBool, resolvePlain } from './goScalars.js'

const BEST_INDENT = 2
/** yaml.v3 writes a key longer than this (in bytes) as an explicit `? key`. */
const SIMPLE_KEY_MAX = 128

/** Line breaks of YAML 1.1 only: a YAML 1.2 reader takes them as text. */
const UNICODE_BREAK = /[\u0085\u2028\u2029]/

type Style = 'plain' | 'single' | 'double' | 'literal'
/** The emitter state under a node: only a block sequence item indents differently. */
type Parent = 'sequence' | 'other'

/** yaml.v3's stringv: plain unless the text would read back as another type. */
function requestedStyle(s: string): Style {
  if (s.includes('\n')) return 'literal'
  const plain = resolvePlain(s, 'v3').kind === 'str' && !isBase60Float(s) && !isOldBool(s)
  return plain ? 'plain' : 'double'
}

/** One document: the emitter's state, and the writers it uses. */
class Emitter {
  private readonly out: string[] = []
  private column = 0
  private whitespace = true
  private indention = true
  private indent = -1
  private readonly indents: number[] = []

  document(value: GoValue): string {
    this.node(value, 'other')
    this.writeIndent()
    return this.out.join('')
  }

  private node(value: GoValue, parent: Parent): void {
    if (value === null) this.scalar('null', 'plain', false, parent)
    else if (typeof value === 'string') this.scalar(value, requestedStyle(value), false, parent)
    else if (typeof value === 'number') this.scalar(formatGoFloat(value), 'plain', false, parent)
    else if (typeof value === 'boolean' || typeof value === 'bigint')
      this.scalar(String(value), 'plain', false, parent)
    else if (Array.isArray(value)) this.sequence(value, parent)
    else this.mapping(value, parent)
  }

  private mapping(map: GoMap, parent: Parent): void {
    const keys = sortedKeys(map)
    if (keys.length === 0) return this.emptyFlow('{', '}')
    this.increaseIndent(false, parent)
    for (const key of keys) {
      this.writeIndent()
      const analysis = analyze(key)
      if (!analysis.multiline && Buffer.byteLength(key) <= SIMPLE_KEY_MAX) {
        this.scalar(key, requestedStyle(key), true, 'other', analysis)
        this.writeIndicator(':', false, false, false)
      } else {
        this.writeIndicator('?', true, false, true)
        this.scalar(key, requestedStyle(key), false, 'other', analysis)
        this.writeIndent()
        this.writeIndicator(':', true, false, true)
      }
      this.node(map[key] as GoValue, 'other')
    }
    this.popIndent()
  }

  private sequence(items: GoValue[], parent: Parent): void {
    if (items.length === 0) return this.emptyFlow('[', ']')
    this.increaseIndent(false, parent)
    for (const item of items) {
      this.writeIndent()
      this.writeIndicator('-', true, false, true)
      this.node(item, 'sequence')
    }
    this.popIndent()
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false)
    this.writeIndicator(close, false, false, false)
  }

  /** yaml_emitter_select_scalar_style, then the writer for the style chosen. */
  private scalar(
    value: string,
    requested: Style,
    simpleKey: boolean,
    parent: Parent,
    analysis = analyze(value)
  ): void {
    let style = simpleKey && analysis.multiline ? 'double' : requested
    if (style === 'plain' && (!analysis.blockPlainAllowed || (value === '' && simpleKey)))
      style = 'single'
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double'
    if (style === 'literal' && (!analysis.blockAllowed || simpleKey)) style = 'double'
    // Values come first (docs/adr/0006): yaml.v3 writes `|2` and drops a leading break
    // (go-yaml issue 76), and NEL/LS/PS outside escapes read back differently in YAML 1.2.
    if (style === 'literal' && isBreak(value.charAt(0))) style = 'double'
    if (style !== 'double' && UNICODE_BREAK.test(value)) style = 'double'
    this.increaseIndent(true, parent)
    if (style === 'plain') this.writePlain(value)
    else if (style === 'single') this.writeSingle(value)
    else if (style === 'double') this.writeDouble(value)
    else this.writeLiteral(value)
    this.popIndent()
  }

  private increaseIndent(flow: boolean, parent: Parent): void {
    this.indents.push(this.indent)
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0
    else if (parent === 'sequence') this.indent += 2
    else this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT)
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1
  }

  private write(text: string, width = 1): void {
    this.out.push(text)
    this.column += width
  }

  private putBreak(): void {
    this.out.push('\n')
    this.column = 0
    this.indention = true
  }

  private writeBreak(c: string): void {
    if (c === '\n') return this.putBreak()
    this.write(c)
    this.column = 0
    this.indention = true
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak()
    if (this.column < indent) this.write(' '.repeat(indent - this.column), indent - this.column)
    this.whitespace = true
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean
  ): void {
    if (needWhitespace && !this.whitespace) this.write(' ')
    this.write(indicator, indicator.length)
    this.whitespace = isWhitespace
    this.indention = this.indention && isIndention
  }

  private writePlain(value: string): void {
    if (value !== '' && !this.whitespace) this.write(' ')
    // Plain text never holds a break (analyze rules it out) and no line is ever folded.
    this.write(value, Array.from(value).length)
    if (value !== '') this.whitespace = false
    this.indention = false
  }

  private writeSingle(value: string): void {
    this.writeIndicator("'", true, false, false)
    let breaks = false
    for (const c of value) {
      if (c === ' ') this.write(c)
      else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak()
        this.writeBreak(c)
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.write(c === "'" ? "''" : c, c === "'" ? 2 : 1)
        this.indention = false
        breaks = false
      }
    }
    this.writeIndicator("'", false, false, false)
    this.whitespace = false
    this.indention = false
  }

  private writeDouble(value: string): void {
    this.writeIndicator('"', true, false, false)
    // libyaml's is_bom looks at the start of the value, whatever the position.
    const bom = value.startsWith('\uFEFF')
    let text = ''
    let width = 0
    for (const c of value) {
      const escaped =
        bom || !isPrintable(c) || isBreak(c) || c === '"' || c === '\\' ? escape(c) : c
      text += escaped
      width += escaped === c ? 1 : escaped.length
    }
    this.write(text, width)
    this.writeIndicator('"', false, false, false)
    this.whitespace = false
    this.indention = false
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false)
    const chars = Array.from(value)
    const first = chars[0] ?? ''
    if (first === ' ' || isBreak(first))
      this.writeIndicator(String(BEST_INDENT), false, false, false)
    const last = chars[chars.length - 1] ?? ''
    const chomp = !isBreak(last)
      ? '-'
      : chars.length === 1 || isBreak(chars[chars.length - 2] ?? '')
        ? '+'
        : ''
    if (chomp) this.writeIndicator(chomp, false, false, false)
    this.whitespace = true
    let breaks = true
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c)
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.write(c)
        this.indention = false
        breaks = false
      }
    }
  }
}

/** One object as one yaml.v3 Encode writes it (without the `---` that a later one gets). */
export function encodeArgoDocument(value: GoValue): string {
  return new Emitter().document(value)
}

/** A whole manifest.yaml: the documents the way one yaml.v3 Encoder separates them. */
export function joinArgoDocuments(documents: readonly string[]): string {
  return documents.join('---\n')
}
