import { isScalar } from 'yaml'
import type { Node } from 'yaml'
import { DEFAULT_DIFF, type DiffSettings } from './types.js'
import type { YamlReader } from './yamlReader.js'

// The `diff:` section of hydrate.yaml: context lines, noise and the ignore rules.

const DIFF_KEYS = ['context', 'noise', 'ignore'] as const
const IGNORE_KEYS = ['group', 'kind', 'name', 'namespace', 'jsonPointers'] as const

export function readDiff(reader: YamlReader, item: Node | undefined): DiffSettings {
  const node = reader.map(item, 'diff')
  reader.checkKeys(node, DIFF_KEYS, 'diff')
  const contextNode = reader.node(node, 'context')
  if (
    contextNode !== undefined &&
    (!isScalar(contextNode) ||
      !Number.isInteger(contextNode.value) ||
      (contextNode.value as number) < 0)
  ) {
    reader.fail(contextNode, 'diff.context must be a whole number of lines (0 or more)')
  }
  const ignoreNode = reader.has(node, 'ignore')
    ? reader.seq(reader.node(node, 'ignore') ?? reader.keyNode(node, 'ignore'), 'diff.ignore')
    : undefined
  const ignore = (ignoreNode?.items ?? []).map((entry, index) => {
    const what = `diff.ignore[${index}]`
    const rule = reader.map(entry, what)
    reader.checkKeys(rule, IGNORE_KEYS, what)
    const jsonPointers = reader.stringList(rule, 'jsonPointers', what)
    if (!jsonPointers || jsonPointers.length === 0)
      reader.fail(rule, `${what}: missing "jsonPointers" (a list like [/spec/replicas])`)
    const pointerNodes = (reader.node(rule, 'jsonPointers') as unknown as { items: Node[] }).items
    jsonPointers.forEach((pointer, i) => {
      if (!pointer.startsWith('/'))
        reader.fail(
          pointerNodes[i],
          `${what}.jsonPointers: ${JSON.stringify(pointer)} is not a JSON pointer (it must start with /)`
        )
    })
    const groupNode = reader.node(rule, 'group')
    if (groupNode !== undefined && (!isScalar(groupNode) || typeof groupNode.value !== 'string')) {
      reader.fail(groupNode, `${what}.group must be a string ("" for the core group)`)
    }
    return {
      group: isScalar(groupNode) ? (groupNode.value as string) : undefined,
      kind: reader.string(rule, 'kind', what),
      name: reader.string(rule, 'name', what),
      namespace: reader.string(rule, 'namespace', what),
      jsonPointers
    }
  })
  return {
    context: isScalar(contextNode) ? (contextNode.value as number) : DEFAULT_DIFF.context,
    noise: reader.boolean(node, 'noise', 'diff') ?? DEFAULT_DIFF.noise,
    ignore
  }
}
