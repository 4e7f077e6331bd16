import { childTargets, type DiscoveredTarget } from '../argocd/appOfApps.js'
import { completeConfig, readConfigDraft, type ConfigDraft } from './loadConfig.js'
import type { HydrateConfig } from '../config/types.js'
import type { Logger } from '../logger.js'
import type { ChartCache } from '../render/chartCache.js'
import type { Toolbox } from '../render/tools.js'
import { discoverNestedKustomizations } from './fluxDiscovery.js'
import { discoverNested } from './nestedDiscovery.js'

// The discovery phase between loading and planning: Applications that only exist in the
// rendered output of an app-of-apps target (docs/adr/0017). Config → targets → render keeps
// its order: the parents are rendered by the one render pipeline, with its input guard, and
// their children are then mapped as the Applications of files are.

export interface DiscoveryOptions {
  configFile?: string
  targetFilter?: string[]
  /** List even when the Argo CD Applications give no target (`hydrate targets`). */
  allowNoTargets?: boolean
  logger: Logger
  env?: NodeJS.ProcessEnv
  toolbox?: Toolbox
  chartCache?: ChartCache
  concurrency?: number
  timeoutMs?: number
  /** Where charts may be fetched from, instead of the config's `remote.allow` (a PR: the base's). */
  remoteAllow?: readonly string[]
}

/** loadConfig, plus the Applications app-of-apps targets render (Argo CD discovery only). */
export async function loadConfigWithAppOfApps(
  repoRoot: string,
  options: DiscoveryOptions
): Promise<HydrateConfig> {
  const draft = readConfigDraft(repoRoot, {
    configFile: options.configFile,
    targetFilter: options.targetFilter,
    allowNoTargets: options.allowNoTargets
  })
  await discoverAppOfApps(draft, options)
  await discoverNestedKustomizations(draft, options)
  return completeConfig(draft)
}

/**
 * Renders, level by level, the Argo CD targets that may declare Applications, and adds the
 * targets their output declares to the draft (findings to its report).
 */
export async function discoverAppOfApps(
  draft: ConfigDraft,
  options: DiscoveryOptions
): Promise<void> {
  const { argoContext: context, argoApplications: known, argocd: report } = draft
  if (!context || !known || !report) return
  await discoverNested<DiscoveredTarget>(draft, options, {
    first: draft.targets
      .filter(t => t.origin !== undefined)
      .map(target => ({ target, chain: known.get(target.name)?.chain ?? [target.name] })),
    target: level => level.target,
    marker: 'argoproj.io',
    objects: 'Applications',
    findings: report.findings,
    children: (parent, output) => {
      const { children, findings, considered } = childTargets(
        parent,
        output.resources,
        context,
        known
      )
      report.findings.push(...findings)
      report.considered.push(...considered)
      return children
    }
  })
}
