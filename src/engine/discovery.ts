import fs from 'node:fs'
import path from 'node:path'
import { childTargets, type DiscoveredTarget } from '../argocd/appOfApps.js'
import { completeConfig, readConfigDraft, type ConfigDraft } from './loadConfig.js'
import type { HydrateConfig, Target } from '../config/types.js'
import type { Logger } from '../logger.js'
import { renderTargets } from '../render/index.js'
import type { ChartCache } from '../render/chartCache.js'
import type { Toolbox } from '../render/tools.js'
import { targetDependencies } from '../targets/dependencyIndex.js'
import { discoverNestedKustomizations } from './fluxDiscovery.js'

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
  await discoverNestedKustomizations(draft, options, mayDeclareApplications)
  return completeConfig(draft)
}

/**
 * Renders, level by level, the Argo CD targets that may declare Applications, and adds the
 * targets their output declares to the draft (findings to its report). A render that fails
 * here is a finding; the main render reports it again as the target's error.
 */
export async function discoverAppOfApps(
  draft: ConfigDraft,
  options: DiscoveryOptions
): Promise<void> {
  const { argoContext: context, argoApplications: known, argocd: report } = draft
  if (!context || !known || !report) return
  let level: DiscoveredTarget[] = draft.targets
    .filter(t => t.origin !== undefined)
    .map(target => ({ target, chain: known.get(target.name)?.chain ?? [target.name] }))
  while (level.length > 0) {
    const parents = level.filter(p => mayDeclareApplications(draft.repoRoot, p.target))
    if (parents.length === 0) return
    const { rendered, failures } = await renderTargets(
      parents.map(p => p.target),
      {
        ...options,
        repoRoot: draft.repoRoot,
        remoteAllow: options.remoteAllow ?? draft.remote.allow
      }
    )
    for (const failure of failures)
      report.findings.push({
        location: failure.target.location,
        subject: failure.target.origin ?? failure.target.name,
        kind: 'invalid',
        message: `its output cannot be read for Applications: ${failure.error.message}`
      })
    const next: DiscoveredTarget[] = []
    for (const parent of parents) {
      const output = rendered.find(r => r.target === parent.target)
      if (!output) continue
      const { children, findings, considered } = childTargets(
        parent,
        output.resources,
        context,
        known
      )
      report.findings.push(...findings)
      report.considered.push(...considered)
      for (const child of children) draft.targets.push(child.target)
      next.push(...children)
    }
    level = next
  }
}

/** Larger files are not read by the pre-check (a template that large is generated data). */
const MAX_SCANNED_BYTES = 4 * 1024 * 1024
const MARKER = 'argoproj.io'

/**
 * Can the target's output hold an Argo CD object? Only when some file it reads mentions
 * `argoproj.io` (an Application's apiVersion): rendering every target at load time would
 * undo incremental hydration. Only files inside the repository are read. A template that
 * assembles the string from pieces is not seen: its Applications stay objects on its branch.
 */
export function mayDeclareApplications(repoRoot: string, target: Target, marker = MARKER): boolean {
  if (target.source === undefined) return false // a remote chart: not this repository's
  const deps = targetDependencies(repoRoot, target)
  const realRoot = fs.realpathSync(repoRoot)
  const inside = (absolute: string): string | undefined => {
    try {
      const real = fs.realpathSync(absolute)
      return real === realRoot || real.startsWith(realRoot + path.sep) ? real : undefined
    } catch {
      return undefined
    }
  }
  const seen = new Set<string>()
  const mentions = (relative: string): boolean => {
    const real = inside(path.join(repoRoot, relative))
    if (real === undefined || seen.has(real)) return false
    seen.add(real)
    const stat = fs.statSync(real)
    if (stat.isDirectory())
      return fs
        .readdirSync(real)
        .filter(name => name !== '.git')
        .sort()
        .some(name => mentions(path.posix.join(relative, name)))
    if (!stat.isFile() || stat.size > MAX_SCANNED_BYTES) return false
    return fs.readFileSync(real, 'utf8').includes(marker)
  }
  const definedBy = new Set(target.definedBy ?? [])
  // Its own Application manifest names argoproj.io, but is not rendered.
  return (
    [...deps.files].some(file => !definedBy.has(file) && mentions(file)) ||
    [...deps.directories].some(dir => mentions(dir))
  )
}
