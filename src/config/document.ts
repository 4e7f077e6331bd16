import { isScalar } from 'yaml'
import {
  type ArgoDiscoverySettings,
  DEFAULT_DIFF,
  DEFAULT_REMOTE,
  DEFAULTS,
  type Defaults,
  type DiffSettings,
  type PolicySettings,
  type RemoteSettings
} from './types.js'
import { readArgocdSettings } from './argocdSettings.js'
import { readDiff } from './diffSettings.js'
import { LAYOUTS, readTargetEntry, type TargetEntry } from './entries.js'
import { readPolicy } from './policySettings.js'
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
const DEFAULT_KEYS = ['branch', 'layout', 'prune'] as const

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
