import { formatGoFloat, isBase60Float, resolvePlain } from '../manifests/goScalars.js'
import { analyze, escape, goKeyLess, isBreak, isPrintable } from '../manifests/argoYamlScalars.js'
import { checkSize } from './limits.js'
import { GoInt, type GoValue, intValue, isMap } from './values.js'

// sigs.k8s.io/yaml's Marshal, which Argo CD's toYaml (and helm's) calls: JSON first, then
// go-yaml v2's emitter (libyaml): block style, 2-space indent, sequences in a mapping not
// indented, keys sorted naturally, strings quoted when v2 would read them as another type,
// long plain and single-quoted lines folded past column 80.

const BEST_WIDTH = 80
const INT64 = 2n ** 63n

/** The JSON round trip: numbers as json.Marshal writes them and go-yaml v2 reads them back. */
function numberText(n: number): string {
  if (!Number.isFinite(n))
    throw new Error(`json: unsupported value: ${formatGoFloat(n).replace('.inf', '+Inf')}`)
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const int = BigInt(n)
    if (int < INT64 && int >= -INT64) return int.toString()
  }
  return formatGoFloat(n)
}

class Emitter {
  private out = ''
  private column = 0

  emit(value: GoValue): string {
    this.node(value, -1, true)
    return `${this.out}\n`
  }

  private write(text: string): void {
    this.out += text
    checkSize('toYaml output', this.out.length)
    const lastBreak = text.lastIndexOf('\n')
    this.column =
      lastBreak < 0 ? this.column + [...text].length : [...text.slice(lastBreak + 1)].length
  }

  private newline(indent: number): void {
    this.write(`\n${' '.repeat(indent)}`)
  }

  /** A value at block indent `indent` (-1 at the top); `positioned`: the cursor is where it starts. */
  private node(value: GoValue, indent: number, positioned: boolean): void {
    if (Array.isArray(value) && value.length > 0)
      return this.sequence(value, Math.max(indent, 0), positioned)
    if (isMap(value) && Object.keys(value).length > 0)
      return this.mapping(value, Math.max(indent, 0), positioned)
    this.scalar(value, indent < 0 ? 2 : indent + 2)
  }

  private mapping(map: Record<string, GoValue>, indent: number, positioned: boolean): void {
    const keys = Object.keys(map).sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0))
    keys.forEach((key, i) => {
      if (i > 0 || !positioned) this.newline(indent)
      this.string(key, indent + 2, true)
      this.write(':')
      const value = map[key]
      if (Array.isArray(value) && value.length > 0) {
        this.newline(indent)
        this.sequence(value, indent, true)
      } else if (isMap(value) && Object.keys(value).length > 0) {
        this.newline(indent + 2)
        this.mapping(value, indent + 2, true)
      } else {
        this.write(' ')
        this.scalar(value, indent + 2)
      }
    })
  }

  private sequence(list: GoValue[], indent: number, positioned: boolean): void {
    list.forEach((item, i) => {
      if (i > 0 || !positioned) this.newline(indent)
      this.write('- ')
      const collection =
        (Array.isArray(item) && item.length > 0) || (isMap(item) && Object.keys(item).length > 0)
      if (collection) this.node(item, indent + 2, true)
      else this.scalar(item, indent + 2)
    })
  }

  private scalar(value: GoValue, indent: number): void {
    if (value === null || value === undefined) this.write('null')
    else if (typeof value === 'boolean') this.write(String(value))
    else if (typeof value === 'number') this.write(numberText(value))
    else if (typeof value === 'bigint' || value instanceof GoInt)
      this.write(intValue(value).toString())
    else if (typeof value === 'string') this.string(value, indent, false)
    else if (Array.isArray(value)) this.write('[]')
    else this.write('{}')
  }

  private string(value: string, indent: number, key: boolean): void {
    const analysis = analyze(value)
    const special = value.includes('\t') || [...value].some(c => !isPrintable(c) && c !== '\n')
    const canUsePlain = resolvePlain(value, 'v2').kind === 'str' && !isBase60Float(value)
    let style: 'plain' | 'single' | 'double' | 'literal' = value.includes('\n')
      ? 'literal'
      : canUsePlain
        ? 'plain'
        : 'double'
    if (key && analysis.multiline) style = 'double'
    if (style === 'plain' && (!analysis.blockPlainAllowed || value === '')) style = 'single'
    if (style === 'single' && (!analysis.singleQuotedAllowed || special)) style = 'double'
    if (style === 'literal' && (!analysis.blockAllowed || special || key)) style = 'double'
    if (style === 'plain') this.folded(value, indent, !key)
    else if (style === 'single') {
      this.write("'")
      this.folded(value.replaceAll("'", "''"), indent, !key, true)
      this.write("'")
    } else if (style === 'double')
      this.write(
        `"${[...value].map(c => (!isPrintable(c) || isBreak(c) || c === '"' || c === '\\' ? escape(c) : c)).join('')}"`
      )
    else this.literal(value, indent)
  }

  /** Plain or single-quoted text: a space past column 80 becomes a line break. */
  private folded(text: string, indent: number, allowBreaks: boolean, quoted = false): void {
    const chars = [...text]
    let spaces = false
    chars.forEach((c, i) => {
      if (c === ' ') {
        const edge = quoted && (i === 0 || i === chars.length - 1)
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ' && !edge)
          this.newline(indent)
        else this.write(c)
        spaces = true
      } else {
        this.write(c)
        spaces = false
      }
    })
  }

  private literal(value: string, indent: number): void {
    const chars = [...value]
    const last = chars[chars.length - 1] ?? ''
    const chomp = !isBreak(last)
      ? '-'
      : chars.length === 1 || isBreak(chars[chars.length - 2] ?? '')
        ? '+'
        : ''
    const hint = chars[0] === ' ' || isBreak(chars[0] ?? '') ? '2' : ''
    this.write(`|${hint}${chomp}`)
    const lines = value.split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    for (const line of lines) {
      this.out += '\n'
      this.column = 0
      if (line !== '') this.write(' '.repeat(indent) + line)
    }
  }
}

/** sigs.k8s.io/yaml.Marshal(v). */
export function marshalYaml(value: GoValue): string {
  return new Emitter().emit(value)
}
