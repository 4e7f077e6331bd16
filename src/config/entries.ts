/* eslint-disable max-lines -- split pending (issue 24) */
import path from 'node:path'
import { isScalar, isSeq } from 'yaml'
import type { Node, YAMLMap } from 'yaml'
import type { SourceLocation } from '../errors.js'
import {
  type ArgoDiscoverySettings,
  DEFAULT_DIFF,
  DEFAULT_REMOTE,
  DEFAULTS,
  type Defaults,
  type DiffSettings,
  type HelmOptions,
  type KustomizeOptions,
  type Layout,
  type PolicySettings,
  POLICY_RULES,
  type RemoteSettings,
  type SourceType
} from './types.js'
import { readArgocdSettings } from './argocdSettings.js'
import { readPromotion, type PromotionEntry } from './promotion.js'
import { readRemote } from './remote.js'
import { readLimits } from './limits.js'
import type { YamlReader } from './yamlReader.js'

// hydrate.yaml as written: each section read into typed values, every error with line:col.

const TOP_KEYS = [
  'version',
  'defaults',
  'targets',
  'argocd',
  'diff',
  'policy',
  'promotion',
  'remote',
  'limits'
] as const
const POLICY_KEYS = ['rules', 'requireDigest', 'files', 'fromOutput'] as const
const DIFF_KEYS = ['context', 'noise', 'ignore'] as const
const IGNORE_KEYS = ['group', 'kind', 'name', 'namespace', 'jsonPointers'] as const
const DEFAULT_KEYS = ['branch', 'layout', 'prune'] as const
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
const LAYOUTS: readonly Layout[] = ['manifest', 'resources']
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

export function readConfigDocument(reader: YamlReader): {
  defaults: Defaults
  entries: TargetEntry[]
  diff: DiffSettings
  policy: PolicySettings
  promotion?: PromotionEntry
  argocd?: ArgoDiscoverySettings
  remote: RemoteSettings
  applicationLimit: number
} {
  const top = reader.map(reader.root, 'the config file')
  reader.checkKeys(top, TOP_KEYS, 'the config file')
  const versionNode = reader.node(top, 'version')
  if (!reader.has(top, 'version'))
    reader.fail(top, 'missing required key "version" (expected: version: 1)')
  if (!isScalar(versionNode) || versionNode.value !== 1)
    reader.fail(versionNode, 'version must be 1')

  const defaults: Defaults = { ...DEFAULTS }
  if (reader.has(top, 'defaults')) {
    const node = reader.map(
      reader.node(top, 'defaults') ?? reader.keyNode(top, 'defaults'),
      'defaults'
    )
    reader.checkKeys(node, DEFAULT_KEYS, 'defaults')
    defaults.branch = reader.string(node, 'branch', 'defaults') ?? defaults.branch
    defaults.layout = reader.oneOf(node, 'layout', LAYOUTS, 'defaults') ?? defaults.layout
    defaults.prune = reader.boolean(node, 'prune', 'defaults') ?? defaults.prune
  }

  const argocd = reader.has(top, 'argocd')
    ? readArgocdSettings(reader, reader.node(top, 'argocd') ?? reader.keyNode(top, 'argocd'))
    : undefined
  // With Argo CD discovery, the targets list is optional.
  if (!reader.has(top, 'targets') && !argocd)
    reader.fail(
      top,
      'missing required key "targets" (a list of targets), or "argocd" (targets from Argo CD Applications)'
    )
  const list = reader.has(top, 'targets')
    ? reader.seq(reader.node(top, 'targets') ?? reader.keyNode(top, 'targets'), 'targets')
    : undefined
  if (list && list.items.length === 0 && !argocd) reader.fail(list, 'targets must not be empty')
  const entries = (list?.items ?? []).map((item, index) =>
    readTargetEntry(reader, item, `targets[${index}]`)
  )
  const diff = reader.has(top, 'diff')
    ? readDiff(reader, reader.node(top, 'diff') ?? reader.keyNode(top, 'diff'))
    : { ...DEFAULT_DIFF }
  const policy = reader.has(top, 'policy')
    ? readPolicy(reader, reader.node(top, 'policy') ?? reader.keyNode(top, 'policy'), 'policy')
    : { rules: {} }
  const promotion = reader.has(top, 'promotion') ? readPromotion(reader, top) : undefined
  const remote = reader.has(top, 'remote')
    ? readRemote(reader, reader.node(top, 'remote') ?? reader.keyNode(top, 'remote'))
    : { ...DEFAULT_REMOTE }
  const applicationLimit = readLimits(reader, top)
  if (argocd) argocd.applicationLimit = applicationLimit
  return { defaults, entries, diff, policy, promotion, argocd, remote, applicationLimit }
}

function readPolicy(reader: YamlReader, item: Node | undefined, what: string): PolicySettings {
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

function readDiff(reader: YamlReader, item: Node | undefined): DiffSettings {
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

function readTargetEntry(reader: YamlReader, item: Node, what: string): TargetEntry {
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
