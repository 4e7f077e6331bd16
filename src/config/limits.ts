import { isScalar, type Node, type YAMLMap } from 'yaml'
import type { YamlReader } from './yamlReader.js'

/**
 * How many Applications (ApplicationSet generators) or targets (one `discover` pattern) a
 * config may produce: checked before expanding, so a matrix of two large lists is a config
 * error naming its file, never a process out of memory.
 */
export const DEFAULT_APPLICATION_LIMIT = 10_000

/** `limits: { applications: N }` at the top of hydrate.yaml. */
export function readLimits(reader: YamlReader, top: YAMLMap<Node, Node>): number {
  if (!reader.has(top, 'limits')) return DEFAULT_APPLICATION_LIMIT
  const node = reader.map(reader.node(top, 'limits') ?? reader.keyNode(top, 'limits'), 'limits')
  reader.checkKeys(node, ['applications'], 'limits')
  const value = reader.node(node, 'applications')
  if (value === undefined) return DEFAULT_APPLICATION_LIMIT
  if (!isScalar(value) || !Number.isSafeInteger(value.value) || (value.value as number) < 1)
    reader.fail(value, 'limits.applications must be a whole number of at least 1')
  return value.value as number
}
