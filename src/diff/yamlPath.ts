import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

/**
 * Per line of a YAML text (0-based), the path of the collection that holds the key or item
 * starting there: `spec.template.spec.containers[web]` for a container's `image:` line.
 * Sequence items are named by their `name` (or `metadata.name`: volumeClaimTemplates) when
 * they have one, as a reader names containers and ports, else by index. Lines that start no
 * node (block scalar bodies) belong to the line above.
 */
export function linePaths(text: string): string[][] {
  const lines = new LineCounter()
  const document = parseDocument(text, { lineCounter: lines, keepSourceTokens: false })
  const count = text.split('\n').length
  const paths: Array<string[] | undefined> = new Array(count).fill(undefined)
  const mark = (offset: number | undefined, path: string[]) => {
    if (offset === undefined) return
    const line = lines.linePos(offset).line - 1
    if (line >= 0 && line < count && paths[line] === undefined) paths[line] = path
  }
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?'
        mark((pair.key as Node | null)?.range?.[0], path)
        walk(pair.value, [...path, key])
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        // containers[web]; volumeClaimTemplates[data] (named in their metadata)
        const metadata = isMap(item) ? item.get('metadata') : undefined
        const name = isMap(item)
          ? (item.get('name') ?? (isMap(metadata) ? metadata.get('name') : undefined))
          : undefined
        const segment = `[${typeof name === 'string' || typeof name === 'number' ? name : index}]`
        const itemPath = [...path.slice(0, -1), `${path[path.length - 1] ?? ''}${segment}`]
        mark((item as Node | null)?.range?.[0], path)
        walk(item, itemPath)
      })
    }
  }
  walk(document.contents, [])
  let last: string[] = []
  return paths.map(path => (last = path ?? last))
}

/** The longest common prefix of several paths. */
function commonPrefix(paths: readonly string[][]): string[] {
  const [first, ...rest] = paths
  if (!first) return []
  let length = first.length
  for (const path of rest) {
    let i = 0
    while (i < length && i < path.length && path[i] === first[i]) i++
    length = i
  }
  return first.slice(0, length)
}

/**
 * Adds the YAML path of what each hunk changes after its `@@ … @@` header, as git adds a
 * function name (`@@ -20,6 +20,8 @@ spec.template.spec.containers[web]`): the deepest
 * collection that holds every changed line, else each of up to three (`data, metadata`). A
 * hunk that changes top-level keys gets none.
 * The diff stays a valid unified diff; the report shows the path instead of line numbers.
 */
export function labelHunks(diff: string, before: string, after: string): string {
  if (!before || !after) return diff
  const beforePaths = linePaths(before)
  const afterPaths = linePaths(after)
  const out = diff.split('\n')
  let header = -1
  let oldLine = 0
  let newLine = 0
  let changed: string[][] = []
  const finish = () => {
    if (header < 0 || changed.length === 0) return
    // One collection holds them all; else name each (a rename's data and metadata.name).
    const common = commonPrefix(changed).join('.')
    const each = [...new Set(changed.map(path => path.join('.')))]
    const label = common || (each.length <= 3 && !each.includes('') ? each.join(', ') : '')
    if (label) out[header] = `${out[header]} ${label}`
  }
  out.forEach((line, index) => {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@$/.exec(line)
    if (hunk) {
      finish()
      header = index
      changed = []
      // A hunk of zero lines on one side starts one line before (the line it follows).
      oldLine = Math.max(Number(hunk[1]) - 1, 0)
      newLine = Math.max(Number(hunk[2]) - 1, 0)
      return
    }
    if (header < 0) return
    if (line.startsWith('-')) changed.push(beforePaths[oldLine++] ?? [])
    else if (line.startsWith('+')) changed.push(afterPaths[newLine++] ?? [])
    else if (line.startsWith(' ')) {
      oldLine++
      newLine++
    }
  })
  finish()
  return out.join('\n')
}
