import path from 'node:path'
import type { Node, YAMLMap } from 'yaml'
import type { SourceLocation } from '../errors.js'
import type { HelmOptions, KustomizeOptions, Layout, PolicySettings, SourceType } from './types.js'
import { readPolicy } from './policySettings.js'
import type { YamlReader } from './yamlReader.js'

// One `targets[]` entry of hydrate.yaml as written, with its helm and kustomize options.

const TARGET_KEYS = [
  'name',
  'env',
  'source',
  'discover',
  'exclude',
  'path',
  'type',
  'branch',
  'layout',
  'prune',
  'allowSecrets',
  'helm',
  'kustomize',
  'policy'
] as const
const HELM_KEYS = [
  'releaseName',
  'namespace',
  'valueFiles',
  'values',
  'includeCRDs',
  'skipTests',
  'kubeVersion',
  'apiVersions',
  'repo',
  'chart',
  'version',
  'plainHttp'
] as const
const KUSTOMIZE_KEYS = [
  'enableHelm',
  'loadRestrictor',
  'allowRemoteBases',
  'allowOutsideReads'
] as const
export const LAYOUTS: readonly Layout[] = ['manifest', 'resources']
const TYPES: readonly SourceType[] = ['helm', 'kustomize', 'directory']

/** One `targets[]` entry as written, before discovery and defaults. */
export interface TargetEntry {
  location: SourceLocation
  node: YAMLMap<Node, Node>
  name?: string
  env?: string
  source?: string
  discover?: string
  /** Globs of discovered source directories to leave out. */
  exclude?: string[]
  path?: string
  type?: SourceType
  branch?: string
  layout?: Layout
  prune?: boolean
  allowSecrets?: boolean
  helm?: HelmOptions
  kustomize?: KustomizeOptions
  policy?: PolicySettings
}

export function readTargetEntry(reader: YamlReader, item: Node, what: string): TargetEntry {
  const node = reader.map(item, what)
  reader.checkKeys(node, TARGET_KEYS, what)
  const entry: TargetEntry = {
    location: reader.locate(node),
    node,
    name: reader.string(node, 'name', what),
    env: reader.string(node, 'env', what),
    source: reader.string(node, 'source', what),
    discover: reader.string(node, 'discover', what),
    exclude: reader.stringList(node, 'exclude', what),
    path: reader.string(node, 'path', what),
    type: reader.oneOf(node, 'type', TYPES, what),
    branch: reader.string(node, 'branch', what),
    layout: reader.oneOf(node, 'layout', LAYOUTS, what),
    prune: reader.boolean(node, 'prune', what),
    allowSecrets: reader.boolean(node, 'allowSecrets', what)
  }
  if (entry.exclude !== undefined && entry.discover === undefined)
    reader.fail(reader.keyNode(node, 'exclude'), `${what}: "exclude" goes with "discover"`)
  if (entry.source !== undefined && entry.discover !== undefined) {
    reader.fail(
      reader.keyNode(node, 'discover'),
      `${what}: use either "source" or "discover", not both`
    )
  }
  if (reader.has(node, 'helm'))
    entry.helm = readHelm(
      reader,
      reader.node(node, 'helm') ?? reader.keyNode(node, 'helm'),
      `${what}.helm`
    )
  if (reader.has(node, 'policy'))
    entry.policy = readPolicy(
      reader,
      reader.node(node, 'policy') ?? reader.keyNode(node, 'policy'),
      `${what}.policy`
    )
  if (reader.has(node, 'kustomize')) {
    entry.kustomize = readKustomize(
      reader,
      reader.node(node, 'kustomize') ?? reader.keyNode(node, 'kustomize'),
      `${what}.kustomize`
    )
  }
  const remote = entry.helm?.repo !== undefined || entry.helm?.chart !== undefined
  if (entry.source === undefined && entry.discover === undefined && !remote) {
    reader.fail(
      node,
      `${what}: missing "source" (a directory), "discover" (a pattern) or a remote chart (helm.repo/helm.chart)`
    )
  }
  if (remote && (entry.source !== undefined || entry.discover !== undefined)) {
    reader.fail(
      reader.keyNode(node, 'helm'),
      `${what}: a remote chart (helm.repo/helm.chart) takes no "source" or "discover"`
    )
  }
  if (entry.type && entry.type !== 'helm' && entry.helm)
    reader.fail(reader.keyNode(node, 'helm'), `${what}: helm options need type: helm`)
  if (entry.type && entry.type !== 'kustomize' && entry.kustomize) {
    reader.fail(
      reader.keyNode(node, 'kustomize'),
      `${what}: kustomize options need type: kustomize`
    )
  }
  return entry
}

function readHelm(reader: YamlReader, item: Node | undefined, what: string): HelmOptions {
  const node = reader.map(item, what)
  reader.checkKeys(node, HELM_KEYS, what)
  let values: Record<string, unknown> | undefined
  if (reader.has(node, 'values')) {
    // toJS with the document resolves aliases (`*defaults`) to their values.
    values = reader
      .map(reader.node(node, 'values') ?? reader.keyNode(node, 'values'), `${what}.values`)
      .toJS(reader.document, { maxAliasCount: 100 }) as Record<string, unknown>
  }
  const helm: HelmOptions = {
    releaseName: reader.string(node, 'releaseName', what),
    namespace: reader.string(node, 'namespace', what),
    valueFiles: reader.stringList(node, 'valueFiles', what) ?? [],
    values,
    includeCRDs: reader.boolean(node, 'includeCRDs', what) ?? false,
    skipTests: reader.boolean(node, 'skipTests', what) ?? true,
    kubeVersion: reader.stringish(node, 'kubeVersion', what),
    apiVersions: reader.stringList(node, 'apiVersions', what) ?? [],
    repo: reader.string(node, 'repo', what),
    chart: reader.string(node, 'chart', what),
    version: reader.stringish(node, 'version', what),
    plainHttp: reader.boolean(node, 'plainHttp', what) ?? false
  }
  const valueFilesNode = reader.node(node, 'valueFiles')
  helm.valueFiles.forEach((file, index) => {
    const normalized = path.posix.normalize(file)
    if (path.isAbsolute(file) || normalized === '..' || normalized.startsWith('../')) {
      const item =
        valueFilesNode && 'items' in valueFilesNode
          ? (valueFilesNode.items as Node[])[index]
          : valueFilesNode
      reader.fail(item, `value file ${file} escapes the repository (value files are repo-relative)`)
    }
  })
  if (helm.releaseName !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(helm.releaseName)) {
    reader.fail(
      reader.node(node, 'releaseName'),
      `${what}.releaseName must be a lower-case DNS label (got ${JSON.stringify(helm.releaseName)})`
    )
  }
  if (helm.repo !== undefined && helm.chart === undefined)
    reader.fail(reader.keyNode(node, 'repo'), `${what}: "repo" needs "chart"`)
  if (helm.repo !== undefined && !/^https?:\/\//.test(helm.repo)) {
    reader.fail(
      reader.node(node, 'repo'),
      `${what}.repo must be an http(s):// chart repository URL (use chart: oci://… for OCI)`
    )
  }
  if (helm.chart !== undefined && helm.repo === undefined && !helm.chart.startsWith('oci://')) {
    reader.fail(
      reader.node(node, 'chart'),
      `${what}.chart needs "repo", or must be an oci:// reference`
    )
  }
  if (helm.chart !== undefined && helm.version === undefined) {
    reader.fail(
      reader.keyNode(node, 'chart'),
      `${what}: a remote chart needs a pinned "version" (floating charts are not reproducible)`
    )
  }
  return helm
}

function readKustomize(reader: YamlReader, item: Node | undefined, what: string): KustomizeOptions {
  const node = reader.map(item, what)
  reader.checkKeys(node, KUSTOMIZE_KEYS, what)
  return {
    enableHelm: reader.boolean(node, 'enableHelm', what) ?? false,
    loadRestrictor:
      reader.oneOf(node, 'loadRestrictor', ['rootOnly', 'none'] as const, what) ?? 'rootOnly',
    allowRemoteBases: reader.boolean(node, 'allowRemoteBases', what) ?? false,
    allowOutsideReads: reader.boolean(node, 'allowOutsideReads', what) ?? false
  }
}
