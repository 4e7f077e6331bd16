import fs from 'node:fs'
import path from 'node:path'
import type { HydrateConfig } from '../config/types.js'
import { formatLocation, getErrorMessage, HydrateError, UsageError } from '../errors.js'
import { GitCommandManager } from '../git/commandManager.js'
import { loadConfigWithAppOfApps } from './discovery.js'
import { readDryCommit, type DryCommit } from '../git/dryCommit.js'
import type { Selection } from '../hydrate/incremental.js'
import { buildBranchLayouts, METADATA_FILE, type BranchLayout } from '../hydrate/layout.js'
import type { Logger } from '../logger.js'
import { checkPolicy, usesSchemaValidator, type PolicyResult } from '../policy/index.js'
import { preloadSchemaValidator } from '../policy/schema.js'
import { loadPolicyFiles } from '../admission/load.js'
import type { AdmissionObject } from '../admission/types.js'
import { renderTargets, type RenderedTarget, type RenderFailure } from '../render/index.js'
import type { Toolbox } from '../render/tools.js'
import type { ChartCache } from '../render/chartCache.js'
import type { CredentialGuard } from '../security/credentials.js'
import { counted } from '../plural.js'
import { narrowToShard, type ShardScope } from '../shard/scope.js'

export interface EngineOptions {
  /** Repository root (`-C`). */
  repoRoot: string
  configFile?: string
  targetFilter?: string[]
  concurrency?: number
  timeoutMs?: number
  logger: Logger
  env?: NodeJS.ProcessEnv
  /** Override the repository URL recorded in metadata (the action passes the GitHub URL). */
  repoURL?: string
  /** Shared tool lookup (versions are logged once). */
  toolbox?: Toolbox
  /** Checks everything written (branch files, layouts) for the run's credentials. */
  guard?: CredentialGuard
  /** Pinned remote charts; default: the directory `chartCacheDir(env)` names. */
  chartCache?: ChartCache
  /** A shard of a plan (`--shard`): only the targets of its branches (docs/adr/0019). */
  shard?: ShardScope
  /** Where charts may be fetched from, instead of the config's `remote.allow` (a PR: the base's). */
  remoteAllow?: readonly string[]
  /** A diff checks the team's own policies once both sides are rendered (base's policies). */
  ownPoliciesAtDiff?: boolean
}

export interface RepositoryRender {
  config: HydrateConfig
  dry: DryCommit
  rendered: RenderedTarget[]
  failures: RenderFailure[]
  errors: HydrateError[]
  /** Policy findings on the rendered output (docs/policy.md). */
  policy: PolicyResult
  /** The objects of `policy.files` in the rendered tree. */
  policyFiles: AdmissionObject[]
  layouts: BranchLayout[]
  timings: { configMs: number; renderMs: number; layoutMs: number }
}

/** The load stage: a repository's config and the dry commit it is hydrated from. */
export interface LoadedRepository {
  repoRoot: string
  config: HydrateConfig
  dry: DryCommit
  git: GitCommandManager
  loadMs: number
  /** Tracked files differ from HEAD: what is read is not the dry commit. */
  dirty: boolean
}

/** Loads the config (file, line and column on errors) and reads the dry commit at HEAD. */
export async function loadRepository(options: EngineOptions): Promise<LoadedRepository> {
  const started = performance.now()
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  const git = new GitCommandManager(repoRoot)
  // The two git reads run while the config is parsed; errors keep the config's first.
  const reading = settledLater(readDryCommit(git, 'HEAD', options.repoURL))
  const dirty = settledLater(isDirty(git))
  const loadedConfig = await loadConfigWithAppOfApps(repoRoot, options)
  const dry = await reading()
  const config = options.shard ? narrowToShard(loadedConfig, dry.sha, options.shard) : loadedConfig
  const isDirtyTree = await dirty()
  if (isDirtyTree) options.logger.warning(DIRTY_WARNING)
  options.logger.info(`${counted(config.targets.length, 'target')} from ${configSource(config)}`)
  // What Argo CD discovery left out is said on every run, never skipped silently.
  for (const finding of config.argocd?.findings ?? [])
    options.logger.warning(
      `${formatLocation(finding.location)}: ${finding.subject}: ${finding.kind}: ${finding.message}`
    )
  return {
    repoRoot,
    config,
    dry,
    git,
    loadMs: performance.now() - started,
    dirty: isDirtyTree
  }
}

/** Where a config's targets come from, for the log. */
export function configSource(config: HydrateConfig): string {
  if (config.file) return config.argocd ? `${config.file} and Argo CD Applications` : config.file
  if (config.argocd) return 'the Argo CD Applications of the repository (no hydrate.yaml)'
  return config.flux
    ? 'the Flux Kustomizations of the repository (no hydrate.yaml)'
    : 'the zero-config default (environments/{env})'
}

/**
 * The load stage alone: the config and its targets (`hydrate targets`), app-of-apps
 * children included (their parents are rendered to find them).
 */
export async function loadTargets(options: EngineOptions): Promise<HydrateConfig> {
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  return loadConfigWithAppOfApps(repoRoot, { ...options, allowNoTargets: true })
}

/** load → render every target. */
export async function renderRepository(options: EngineOptions): Promise<RepositoryRender> {
  const loaded = await loadRepository(options)
  return renderSelection(loaded, { render: loaded.config.targets }, options)
}

/**
 * The render stage: the selected targets → manifests → policy → branch layouts. Render
 * failures are collected per target; layouts hold only the targets that rendered.
 */
export async function renderSelection(
  loaded: LoadedRepository,
  selection: Selection,
  options: EngineOptions
): Promise<RepositoryRender> {
  const { logger } = options
  const { repoRoot, config, dry } = loaded
  const t1 = performance.now()
  const selected = selection.render
  const fromBranches = selection.fromBranches ?? []
  if (selected.length < config.targets.length) {
    logger.info(
      `rendering ${selected.length} affected of ${counted(config.targets.length, 'target')}${selection.reused?.length ? ` (${selection.reused.length} keep their hydrated output)` : ''}${fromBranches.length ? ` (${fromBranches.length} read from their branch)` : ''}`
    )
  }
  // The validator compiles while the render processes run.
  if (usesSchemaValidator([...selected, ...fromBranches.map(r => r.target)], config.policy))
    preloadSchemaValidator()
  const { rendered: fresh, failures } = await renderTargets(selected, {
    repoRoot,
    logger,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    env: options.env,
    toolbox: options.toolbox,
    chartCache: options.chartCache,
    remoteAllow: options.remoteAllow ?? config.remote.allow
  })
  const rendered = [...fresh, ...fromBranches, ...(selection.reused ?? [])]
  const t2 = performance.now()
  const policyFiles = loadPolicyFiles(repoRoot, config.policy.files ?? [], config.file)
  const policy = await checkPolicy(
    [...fresh, ...fromBranches],
    config.policy,
    options.ownPoliciesAtDiff ? undefined : policyFiles
  )
  const layouts = buildBranchLayouts(dry, rendered)
  const t3 = performance.now()
  return {
    config,
    dry,
    rendered,
    failures,
    errors: failures.map(f => f.error),
    policy,
    policyFiles,
    layouts,
    timings: { configMs: loaded.loadMs, renderMs: t2 - t1, layoutMs: t3 - t2 }
  }
}

/** Directories `git rev-parse --show-toplevel` named: they resolve to themselves. */
const topLevels = new Set<string>()

export async function resolveRepoRoot(dir: string): Promise<string> {
  const absolute = path.resolve(dir)
  if (!fs.existsSync(absolute)) throw new UsageError(`directory ${dir} does not exist`)
  // A diff resolves its root, then loads from it: the second git process is spared.
  if (topLevels.has(absolute) && fs.existsSync(path.join(absolute, '.git'))) return absolute
  const top = await new GitCommandManager(absolute).exec(['rev-parse', '--show-toplevel'], {
    allowFailure: true
  })
  if (top.exitCode !== 0)
    throw new UsageError(
      `${absolute} is not inside a git repository (the dry commit is read from git)`
    )
  const root = top.stdout.trim()
  topLevels.add(root)
  return root
}

const DIRTY_WARNING =
  'the working tree has uncommitted changes: they are rendered, but the metadata records HEAD as the dry commit'

async function isDirty(git: GitCommandManager): Promise<boolean> {
  return (await git.output(['status', '--porcelain', '--untracked-files=no'])).trim() !== ''
}

/**
 * Work started now and awaited later: a rejection meanwhile is not unhandled, and is
 * thrown where the result is awaited (never, when an earlier step throws first).
 */
function settledLater<T>(work: Promise<T>): () => Promise<T> {
  work.catch(() => undefined)
  return () => work
}

/**
 * Writes each branch layout to `outDir/<branch>/`. A branch directory is replaced only when
 * it is empty or was written by us before (it holds our root hydrator.metadata).
 */
export function writeLayouts(
  outDir: string,
  layouts: readonly BranchLayout[],
  guard?: CredentialGuard
): string[] {
  if (guard) checkLayouts(layouts, guard)
  const written: string[] = []
  for (const layout of layouts) {
    const branchDir = path.join(outDir, ...layout.branch.split('/'))
    if (fs.existsSync(branchDir) && fs.readdirSync(branchDir).length > 0) {
      if (!fs.existsSync(path.join(branchDir, METADATA_FILE))) {
        throw new HydrateError(
          `refusing to overwrite ${branchDir}: it is not empty and was not written by hydrate`
        )
      }
      fs.rmSync(branchDir, { recursive: true, force: true })
    }
    for (const [file, content] of layout.files) {
      if (typeof content !== 'string')
        throw new HydrateError(`internal: ${file} has no content to write`)
      const target = path.join(branchDir, ...file.split('/'))
      try {
        fs.mkdirSync(path.dirname(target), { recursive: true })
        fs.writeFileSync(target, content)
      } catch (error) {
        // A file where a directory must go (or the reverse): say which, not a bare EEXIST.
        throw new HydrateError(
          `cannot write ${layout.branch}:${file} into ${branchDir}: ${getErrorMessage(error)}`
        )
      }
    }
    written.push(branchDir)
  }
  return written
}

/** Fails closed when any file of the layouts holds one of the run's credentials. */
export function checkLayouts(layouts: readonly BranchLayout[], guard: CredentialGuard): void {
  for (const layout of layouts)
    for (const [file, content] of layout.files)
      if (typeof content === 'string') guard.check(content, `${layout.branch}:${file}`)
}
