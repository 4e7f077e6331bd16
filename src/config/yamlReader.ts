import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml'
import { ConfigError, type SourceLocation } from '../errors.js'

/**
 * Typed access to a YAML document that keeps every node's position, so that each
 * validation error names file, line and column.
 */
export class YamlReader {
  private readonly lines = new LineCounter()
  readonly document: Document

  constructor(
    readonly file: string,
    text: string
  ) {
    this.document = parseDocument(text, {
      lineCounter: this.lines,
      prettyErrors: false,
      uniqueKeys: true
    })
    const [first] = this.document.errors
    if (first) {
      const { line, col: column } = this.lines.linePos(first.pos[0])
      throw new ConfigError({ file, line, column }, `invalid YAML: ${first.message.split('\n')[0]}`)
    }
  }

  get root(): Node | null {
    return this.document.contents as Node | null
  }

  locate(node: Node | Pair | null | undefined): SourceLocation {
    let range: [number, number, number] | null | undefined
    if (node && 'range' in node) range = node.range
    else if (node && 'key' in node) range = (node.key as Node | null)?.range
    if (!range) return { file: this.file, line: 1, column: 1 }
    const { line, col } = this.lines.linePos(range[0])
    return { file: this.file, line, column: col }
  }

  fail(node: Node | Pair | null | undefined, message: string): never {
    throw new ConfigError(this.locate(node), message)
  }

  map(node: Node | null | undefined, what: string): YAMLMap<Node, Node> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping`)
    return node as YAMLMap<Node, Node>
  }

  seq(node: Node | null | undefined, what: string): YAMLSeq<Node> {
    if (!isSeq(node)) this.fail(node, `${what} must be a list`)
    return node as YAMLSeq<Node>
  }

  /** Rejects keys that are not in `allowed`, naming the ones that are. */
  checkKeys(map: YAMLMap<Node, Node>, allowed: readonly string[], what: string): void {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined
      if (key === undefined || !allowed.includes(key)) {
        this.fail(
          pair.key,
          `unknown key ${JSON.stringify(key ?? '?')} in ${what}; expected one of: ${allowed.join(', ')}`
        )
      }
    }
  }

  node(map: YAMLMap<Node, Node>, key: string): Node | undefined {
    const pair = map.items.find(p => isScalar(p.key) && p.key.value === key)
    return pair?.value ?? undefined
  }

  has(map: YAMLMap<Node, Node>, key: string): boolean {
    return map.items.some(p => isScalar(p.key) && p.key.value === key)
  }

  keyNode(map: YAMLMap<Node, Node>, key: string): Node | undefined {
    return map.items.find(p => isScalar(p.key) && p.key.value === key)?.key ?? undefined
  }

  string(map: YAMLMap<Node, Node>, key: string, what: string): string | undefined {
    if (!this.has(map, key)) return undefined
    const value = this.node(map, key)
    if (!isScalar(value) || typeof value.value !== 'string' || value.value === '') {
      this.fail(value ?? this.keyNode(map, key), `${what}.${key} must be a non-empty string`)
    }
    return value.value as string
  }

  /** A string or a number written without quotes (e.g. `kubeVersion: 1.31`). */
  stringish(map: YAMLMap<Node, Node>, key: string, what: string): string | undefined {
    const value = this.node(map, key)
    if (isScalar(value) && typeof value.value === 'number')
      return value.source ?? String(value.value)
    return this.string(map, key, what)
  }

  boolean(map: YAMLMap<Node, Node>, key: string, what: string): boolean | undefined {
    if (!this.has(map, key)) return undefined
    const value = this.node(map, key)
    if (!isScalar(value) || typeof value.value !== 'boolean') {
      this.fail(value ?? this.keyNode(map, key), `${what}.${key} must be true or false`)
    }
    return value.value as boolean
  }

  oneOf<T extends string>(
    map: YAMLMap<Node, Node>,
    key: string,
    allowed: readonly T[],
    what: string
  ): T | undefined {
    const value = this.string(map, key, what)
    if (value === undefined) return undefined
    if (!allowed.includes(value as T)) {
      this.fail(
        this.node(map, key),
        `${what}.${key} must be one of: ${allowed.join(', ')} (got ${JSON.stringify(value)})`
      )
    }
    return value as T
  }

  stringList(map: YAMLMap<Node, Node>, key: string, what: string): string[] | undefined {
    if (!this.has(map, key)) return undefined
    const list = this.seq(this.node(map, key) ?? this.keyNode(map, key), `${what}.${key}`)
    return list.items.map(item => {
      if (!isScalar(item) || typeof item.value !== 'string' || item.value === '') {
        this.fail(item, `${what}.${key} must be a list of non-empty strings`)
      }
      return item.value as string
    })
  }
}
