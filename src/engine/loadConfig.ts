import fs from 'node:fs'
import path from 'node:path'
import { compileGlob } from '../security/glob.js'
import { DEFAULT_APPLICATION_LIMIT } from '../config/limits.js'
import type { ApplicationContext, KnownApplication } from '../argocd/application.js'
import { discoverArgoTargets } from '../argocd/discover.js'
import { readArgoManifests } from '../argocd/manifests.js'
import { ConfigError, formatLocation, UsageError } from '../errors.js'
import { readConfigDocument } from '../config/document.js'
import type { TargetEntry } from '../config/entries.js'
import { CONFIG_FILE_NAMES, expandEntry } from '../config/expand.js'
import { discoverFluxTargets, fluxReport, type FluxContext } from '../config/fluxTargets.js'
import { resolveInsideRepo } from '../config/paths.js'
import { clusterOf } from '../flux/kustomization.js'
import { readFluxObjects } from '../flux/objects.js'
import {
  applyHydrateTo,
  applyPromotion,
  checkHydrateToAgrees,
  type PromotionEntry
} from '../config/promotion.js'
import {
  DEFAULT_DIFF,
  DEFAULT_REMOTE,
  DEFAULTS,
  ZERO_CONFIG_DISCOVER,
  type ArgoDiscoveryReport,
  type ArgoDiscoverySettings,
  type Defaults,
  type DiffSettings,
  type HydrateConfig,
  type PolicySettings,
  type PromotionSettings,
  type RemoteSettings,
  type Target
} from '../config/types.js'
import { validateTargets } from '../config/validate.js'
import { YamlReader } from '../config/yamlReader.js'

export { CONFIG_FILE_NAMES } from '../config/expand.js'

export interface LoadOptions {
  /** Config file, relative to the repo root or absolute. Default: hydrate.yaml if present. */
  configFile?: string
  /** Keep only targets whose name matches one of these globs. */
  targetFilter?: string[]
  /** `hydrate targets`: Argo CD Applications that give no target are listed, not an error. */
  allowNoTargets?: boolean
}

/**
 * A config read up to its targets from files: hydrate.yaml's entries and the Argo CD
 * Applications found in files. What an app-of-apps renders is added by the engine
 * (src/engine/discovery.ts) before `completeConfig` checks the targets across each other.
 */
export interface ConfigDraft {
  repoRoot: string
  file?: string
  defaults: Defaults
  diff: DiffSettings
  policy: PolicySettings
  remote: RemoteSettings
  targets: Target[]
  argocd?: ArgoDiscoveryReport
  /** How discovered Applications are mapped (Argo CD discovery only): for app-of-apps children. */
  argoContext?: ApplicationContext
  /** The Applications read from files, by name (Argo CD discovery only). */
  argoApplications?: Map<string, KnownApplication>
  reader?: YamlReader
  promotion?: PromotionEntry
  options: LoadOptions
  /** Zero-config Flux: for the Kustomizations rendered output declares (src/engine/fluxDiscovery.ts). */
  fluxContext?: FluxContext
}

/** hydrate.yaml → entries → targets (discovery, defaults) → checks across targets. */
export function loadConfig(repoRoot: string, options: LoadOptions = {}): HydrateConfig {
  return completeConfig(readConfigDraft(repoRoot, options))
}

/** hydrate.yaml → entries → targets (files only: no rendering). */
export function readConfigDraft(repoRoot: string, options: LoadOptions = {}): ConfigDraft {
  const root = path.resolve(repoRoot)
  const file = findConfigFile(root, options.configFile)
  let defaults: Defaults = { ...DEFAULTS }
  let diff: DiffSettings = { ...DEFAULT_DIFF }
  let policy: PolicySettings = { rules: {} }
  let remote: RemoteSettings = { ...DEFAULT_REMOTE }
  let entries: TargetEntry[]
  let reader: YamlReader | undefined
  let promotionEntry: PromotionEntry | undefined
  let argocdSettings: ArgoDiscoverySettings | undefined
  let argoManifests: ReturnType<typeof readArgoManifests> | undefined
  let fluxObjects: ReturnType<typeof readFluxObjects> | undefined
  let applicationLimit = DEFAULT_APPLICATION_LIMIT
  if (file) {
    const text = fs.readFileSync(path.join(root, file), 'utf8')
    reader = new YamlReader(file, text)
    ;({
      defaults,
      entries,
      diff,
      policy,
      promotion: promotionEntry,
      argocd: argocdSettings,
      remote,
      applicationLimit
    } = readConfigDocument(reader))
  } else {
    // Zero config: the repository's Argo CD Applications when it has any, else its Flux
    // Kustomizations, else environments/{env}.
    argoManifests = readArgoManifests(root, [''])
    fluxObjects = argoManifests.manifests.length > 0 ? undefined : readFluxObjects(root)
    if (!fluxObjects?.kustomizations.some(k => clusterOf(k.location.file) !== undefined))
      fluxObjects = undefined
    if (argoManifests.manifests.length > 0 || fluxObjects) {
      if (!fluxObjects) argocdSettings = { paths: [''], repoURLs: [] }
      entries = []
    } else {
      entries = [
        {
          location: { file: '(zero-config default)' },
          node: undefined as never,
          discover: ZERO_CONFIG_DISCOVER
        }
      ]
    }
  }
  const targets = entries.flatMap(entry =>
    expandEntry(root, reader, entry, defaults, applicationLimit)
  )
  const draft: ConfigDraft = {
    repoRoot: root,
    file,
    defaults,
    diff,
    policy,
    remote,
    targets,
    reader,
    promotion: promotionEntry,
    options
  }
  if (fluxObjects) {
    const discovered = discoverFluxTargets(root, defaults, fluxObjects)
    targets.push(...discovered.targets)
    draft.fluxContext = discovered.context
    const [first, ...more] = fluxReport(discovered.context).findings
    if (targets.length === 0)
      throw new ConfigError(
        { file: '(Flux Kustomizations)' },
        `no targets: no Flux Kustomization in clusters/<env>/ gives one${first ? ` (${formatLocation(first.location)}: ${first.subject}: ${first.kind}: ${first.message}${more.length > 0 ? `, and ${more.length} more; see hydrate targets` : ''})` : ''}`
      )
  }
  if (argocdSettings) {
    for (const dir of argocdSettings.paths) {
      const checked = resolveInsideRepo(root, dir || '.')
      if (!checked.ok)
        throw new ConfigError({ file: file ?? '.' }, `argocd.paths: ${checked.reason}`)
      if (!fs.statSync(path.join(root, checked.path), { throwIfNoEntry: false })?.isDirectory())
        throw new ConfigError({ file: file ?? '.' }, `argocd.paths: ${dir} is not a directory`)
    }
    const discovered = discoverArgoTargets(root, argocdSettings, defaults, argoManifests)
    targets.push(...discovered.targets)
    draft.argocd = discovered.report
    draft.argoContext = discovered.context
    draft.argoApplications = discovered.applications
    if (targets.length === 0 && !options.allowNoTargets) {
      const { findings } = discovered.report
      const first = findings[0]
      throw new ConfigError(
        { file: file ?? '(Argo CD Applications)' },
        `no targets: the Argo CD Applications found give none${
          first
            ? ` (${formatLocation(first.location)}: ${first.subject}: ${first.kind}: ${first.message}${findings.length > 1 ? `, and ${findings.length - 1} more; see hydrate targets` : ''})`
            : ''
        }`
      )
    }
  }
  return draft
}

/** Checks across targets, promotion (and Argo CD's hydrateTo), then the --target filter. */
export function completeConfig(draft: ConfigDraft): HydrateConfig {
  const { repoRoot, file, defaults, diff, policy, remote, argocd, reader, options } = draft
  let allTargets = draft.targets
  validateTargets(allTargets)
  let promotion: PromotionSettings | undefined
  if (reader && draft.promotion) {
    ;({ targets: allTargets, promotion } = applyPromotion(reader, draft.promotion, allTargets))
    checkHydrateToAgrees(allTargets)
  } else if (allTargets.some(t => t.promotionBranch !== undefined)) {
    ;({ targets: allTargets, promotion } = applyHydrateTo(allTargets))
  }
  let targets = allTargets
  if (options.targetFilter && options.targetFilter.length > 0) {
    const globs = options.targetFilter
    const matchers = globs.map(g => compileGlob(g))
    targets = targets.filter(t => matchers.some(test => test(t.name)))
    if (targets.length === 0)
      throw new UsageError(`no target matches ${globs.map(g => JSON.stringify(g)).join(', ')}`)
  }
  const flux = draft.fluxContext ? fluxReport(draft.fluxContext) : undefined
  return {
    repoRoot,
    file,
    defaults,
    diff,
    policy,
    remote,
    targets,
    allTargets,
    promotion,
    argocd,
    ...(flux ? { flux } : {})
  }
}

/**
 * The config file. One inside the repository (found, or named relative to it) must resolve
 * inside it, symlinks followed: a pull request controls it. One named outside it is the
 * workflow's own choice.
 */
function findConfigFile(root: string, configFile: string | undefined): string | undefined {
  const file = configFile ?? CONFIG_FILE_NAMES.find(name => fs.existsSync(path.join(root, name)))
  if (file === undefined) return undefined
  const absolute = path.resolve(root, file)
  if (!fs.existsSync(absolute)) throw new ConfigError({ file }, 'config file not found')
  const relative = path.relative(root, absolute).split(path.sep).join('/')
  if (relative.startsWith('../') || path.isAbsolute(relative)) return file
  const checked = resolveInsideRepo(root, relative)
  if (!checked.ok) throw new ConfigError({ file }, `config file ${checked.reason}`)
  return relative
}
