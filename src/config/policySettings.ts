import { isScalar, isSeq } from 'yaml'
import type { Node } from 'yaml'
import { POLICY_RULES, type PolicySettings } from './types.js'
import type { YamlReader } from './yamlReader.js'

// The `policy:` section, at the top of hydrate.yaml and in a target entry.

const POLICY_KEYS = ['rules', 'requireDigest', 'files', 'fromOutput'] as const

export function readPolicy(
  reader: YamlReader,
  item: Node | undefined,
  what: string
): PolicySettings {
  const node = reader.map(item, what)
  reader.checkKeys(node, POLICY_KEYS, what)
  const rules: PolicySettings['rules'] = {}
  if (reader.has(node, 'rules')) {
    const map = reader.map(
      reader.node(node, 'rules') ?? reader.keyNode(node, 'rules'),
      `${what}.rules`
    )
    reader.checkKeys(map, POLICY_RULES, `${what}.rules`)
    for (const rule of POLICY_RULES) {
      const value = reader.node(map, rule)
      if (value === undefined) continue
      // `off` is a boolean in YAML 1.1 readers; accept both spellings.
      const setting =
        isScalar(value) && value.value === false ? 'off' : isScalar(value) ? value.value : undefined
      if (setting !== 'error' && setting !== 'warning' && setting !== 'off')
        reader.fail(value, `${what}.rules.${rule} must be error, warning or off`)
      rules[rule] = setting
    }
  }
  const digest = reader.node(node, 'requireDigest')
  const requireDigest = isSeq(digest)
    ? reader.stringList(node, 'requireDigest', what)
    : reader.boolean(node, 'requireDigest', what)
  const files = reader.stringList(node, 'files', what)
  const fromOutput = reader.boolean(node, 'fromOutput', what)
  return {
    rules,
    requireDigest,
    ...(files ? { files } : {}),
    ...(fromOutput !== undefined ? { fromOutput } : {})
  }
}
