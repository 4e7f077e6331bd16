import type { Node } from 'yaml'
import { allowEntryProblem } from '../security/remoteAllow.js'
import type { RemoteSettings } from './types.js'
import type { YamlReader } from './yamlReader.js'

/** `remote:` — where renders may fetch charts from. Each entry checked, with its line:col. */
export function readRemote(reader: YamlReader, item: Node | undefined): RemoteSettings {
  const node = reader.map(item, 'remote')
  reader.checkKeys(node, ['allow'], 'remote')
  if (!reader.has(node, 'allow')) return { allow: [] }
  const list = reader.seq(
    reader.node(node, 'allow') ?? reader.keyNode(node, 'allow'),
    'remote.allow'
  )
  const allow = reader.stringList(node, 'allow', 'remote') ?? []
  allow.forEach((entry, index) => {
    const problem = allowEntryProblem(entry)
    if (problem)
      reader.fail(list.items[index], `remote.allow[${index}] ${JSON.stringify(entry)} ${problem}`)
  })
  return { allow }
}
