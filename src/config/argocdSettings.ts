import path from 'node:path'
import { isScalar } from 'yaml'
import type { Node } from 'yaml'
import type { ArgoCluster, ArgoDiscoverySettings } from './types.js'
import type { YamlReader } from './yamlReader.js'

// `argocd:` in hydrate.yaml: where Applications are read, which other URLs name this
// repository, and the clusters that `clusters` generators and destinations refer to.

const ARGOCD_KEYS = ['paths', 'repoURLs', 'clusters'] as const
const CLUSTER_KEYS = ['name', 'server', 'project', 'labels', 'annotations'] as const
/** The label every Argo CD cluster Secret carries; a listed cluster gets it too. */
export const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type'

export function readArgocdSettings(
  reader: YamlReader,
  item: Node | undefined
): ArgoDiscoverySettings {
  const node = reader.map(item, 'argocd')
  reader.checkKeys(node, ARGOCD_KEYS, 'argocd')
  const paths = reader.stringList(node, 'paths', 'argocd') ?? ['.']
  const pathsNode = reader.node(node, 'paths')
  paths.forEach((dir, index) => {
    const normalized = path.posix.normalize(dir)
    if (path.isAbsolute(dir) || normalized === '..' || normalized.startsWith('../')) {
      const at = pathsNode && 'items' in pathsNode ? (pathsNode.items as Node[])[index] : pathsNode
      reader.fail(at, `argocd.paths: ${dir} escapes the repository (paths are repo-relative)`)
    }
  })
  return {
    paths: paths.map(dir => path.posix.normalize(dir).replace(/\/+$/, '').replace(/^\.$/, '')),
    repoURLs: reader.stringList(node, 'repoURLs', 'argocd') ?? [],
    clusters: reader.has(node, 'clusters')
      ? readClusters(reader, reader.node(node, 'clusters'))
      : []
  }
}

function readClusters(reader: YamlReader, item: Node | undefined): ArgoCluster[] {
  const list = reader.seq(item, 'argocd.clusters')
  const seen = new Map<string, Node>()
  return list.items.map(entry => {
    const map = reader.map(entry, 'an argocd.clusters entry')
    reader.checkKeys(map, CLUSTER_KEYS, 'argocd.clusters[]')
    const name = reader.string(map, 'name', 'argocd.clusters[]')
    const server = reader.string(map, 'server', 'argocd.clusters[]')
    if (name === undefined || server === undefined)
      reader.fail(entry, 'an argocd.clusters entry needs a name and a server')
    if (seen.has(name)) reader.fail(reader.node(map, 'name'), `cluster ${name} is listed twice`)
    seen.set(name, entry)
    return {
      name,
      server,
      project: reader.string(map, 'project', 'argocd.clusters[]') ?? '',
      labels: {
        ...stringMap(reader, map, 'labels'),
        [CLUSTER_SECRET_LABEL]: 'cluster'
      },
      annotations: stringMap(reader, map, 'annotations'),
      location: reader.locate(entry)
    }
  })
}

function stringMap(
  reader: YamlReader,
  parent: ReturnType<YamlReader['map']>,
  key: string
): Record<string, string> {
  if (!reader.has(parent, key)) return {}
  const map = reader.map(reader.node(parent, key), `argocd.clusters[].${key}`)
  const out: Record<string, string> = {}
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? pair.key.value : undefined
    const v = isScalar(pair.value) ? pair.value.value : undefined
    if (
      typeof k !== 'string' ||
      (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
    )
      reader.fail(pair.value ?? pair.key, `argocd.clusters[].${key} must map names to strings`)
    out[k] = String(v)
  }
  return out
}
