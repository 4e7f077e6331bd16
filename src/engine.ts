import fs from 'node:fs'
import path from 'node:path'
import { simpleGit } from 'simple-git'
import { loadConfig } from './config/load.js'
import type { HydrateConfig } from './config/types.js'
import { diffTargets, type DiffSide } from './diff/targets.js'
import type { DiffReport } from './diff/types.js'
import {
  AggregateRenderError,
  ConfigError,
  getErrorMessage,
  HydrateError,
  UsageError
} from './errors.js'
import { mergeBase, resolveCommit, withWorktree } from './git/revisions.js'
import { affectedTargets, changedFiles, type AffectedTargets } from './targets/affected.js'
import { GitAuthHelper } from './git/auth.js'
import { GitCommandManager } from './git/commandManager.js'
import { readDryCommit, type DryCommit } from './git/dryCommit.js'
import {
  BranchWriter,
  type BranchState,
  type Identity,
  type WriteResult
} from './hydrate/branchWriter.js'
import { selectIncremental, type Selection } from './hydrate/incremental.js'
import { Toolbox } from './render/tools.js'
import { buildBranchLayouts, METADATA_FILE, type BranchLayout } from './hydrate/layout.js'
import type { Logger } from './logger.js'
import {
  checkPolicy,
  failsOn,
  formatFinding,
  type FailOn,
  type PolicyResult
} from './policy/index.js'
import type { Finding } from './policy/types.js'
import { renderTargets, type RenderedTarget, type RenderFailure } from './render/index.js'

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
  /** Chooses which of the configured targets to render (affected-only runs); default all. */
  select?: (config: HydrateConfig) => Selection | Promise<Selection>
  /** Shared tool lookup (versions are logged once). */
  toolbox?: Toolbox
}

export interface RepositoryRender {
  config: HydrateConfig
  dry: DryCommit
  rendered: RenderedTarget[]
  failures: RenderFailure[]
  errors: HydrateError[]
  /** Policy findings on the rendered output (DESIGN §9). */
  policy: PolicyResult
  layouts: BranchLayout[]
  timings: { configMs: number; renderMs: number; layoutMs: number }
}

/**
 * config → targets → render → manifests → branch layouts. Render failures are collected
 * per target; layouts hold only the targets that rendered.
 */
export async function renderRepository(options: EngineOptions): Promise<RepositoryRender> {
  const { logger } = options
  const t0 = performance.now()
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  const config = loadConfig(repoRoot, {
    configFile: options.configFile,
    targetFilter: options.targetFilter
  })
  const dry = await readDryCommit(repoRoot, 'HEAD', options.repoURL)
  await warnIfDirty(repoRoot, logger)
  const t1 = performance.now()
  logger.info(
    `${config.targets.length} target${config.targets.length === 1 ? '' : 's'} from ${config.file ?? 'the zero-config default (environments/{env})'}`
  )
  const selection = options.select ? await options.select(config) : { render: config.targets }
  const selected = selection.render
  if (selected.length < config.targets.length) {
    logger.info(
      `rendering ${selected.length} affected of ${config.targets.length} targets${selection.reused?.length ? ` (${selection.reused.length} keep their hydrated output)` : ''}`
    )
  }
  const { rendered: fresh, failures } = await renderTargets(selected, {
    repoRoot,
    logger,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    env: options.env,
    toolbox: options.toolbox
  })
  const rendered = [...fresh, ...(selection.reused ?? [])]
  const t2 = performance.now()
  const policy = checkPolicy(fresh, config.policy)
  const layouts = buildBranchLayouts(dry, rendered)
  const t3 = performance.now()
  return {
    config,
    dry,
    rendered,
    failures,
    errors: failures.map(f => f.error),
    policy,
    layouts,
    timings: { configMs: t1 - t0, renderMs: t2 - t1, layoutMs: t3 - t2 }
  }
}

/** Throws the collected render errors as one error (exit 1), naming every failed target. */
export function assertRendered(result: RepositoryRender): void {
  if (result.errors.length > 0) throw new AggregateRenderError(result.errors)
}

async function resolveRepoRoot(dir: string): Promise<string> {
  const absolute = path.resolve(dir)
  if (!fs.existsSync(absolute)) throw new HydrateError(`directory ${dir} does not exist`)
  const top = await simpleGit({ baseDir: absolute })
    .revparse(['--show-toplevel'])
    .catch(() => {
      throw new HydrateError(
        `${absolute} is not inside a git repository (the dry commit is read from git)`
      )
    })
  return top.trim()
}

async function warnIfDirty(repoRoot: string, logger: Logger): Promise<void> {
  const status = await simpleGit({ baseDir: repoRoot }).raw([
    'status',
    '--porcelain',
    '--untracked-files=no'
  ])
  if (status.trim()) {
    logger.warning(
      'the working tree has uncommitted changes: they are rendered, but the metadata records HEAD as the dry commit'
    )
  }
}

/**
 * Writes each branch layout to `outDir/<branch>/`. A branch directory is replaced only when
 * it is empty or was written by us before (it holds our root hydrator.metadata).
 */
export function writeLayouts(outDir: string, layouts: readonly BranchLayout[]): string[] {
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
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, content)
    }
    written.push(branchDir)
  }
  return written
}

export class PolicyError extends HydrateError {
  constructor(readonly findings: Finding[]) {
    super(
      `${findings.length} policy finding${findings.length === 1 ? '' : 's'} block${findings.length === 1 ? 's' : ''} this:\n${findings.map(f => `- ${formatFinding(f)}`).join('\n')}`
    )
  }
}

/** Logs every finding; throws when they fail the run under `failOn`. */
export function assertPolicy(findings: readonly Finding[], failOn: FailOn, logger: Logger): void {
  const blocking = findings.filter(f => failsOn([f], failOn))
  for (const finding of findings)
    if (!blocking.includes(finding)) logger.warning(formatFinding(finding))
  if (blocking.length > 0) throw new PolicyError(blocking)
}

export interface HydrateOptions extends EngineOptions {
  /** Remote name or URL of the repository that holds the environment branches. */
  remote?: string
  dryRun?: boolean
  committer?: Identity
  /** Token auth for an HTTPS remote (the action's `token`). */
  auth?: { token: string; serverUrl: string }
  maxAttempts?: number
  backoffMs?: number
  beforePush?: (attempt: number) => Promise<void>
  /** Warnings block too with 'warning'; errors always block a push. */
  failOn?: FailOn
  /** Render every target, not only those affected since each branch's recorded dry commit. */
  full?: boolean
}

export interface RepositoryHydration {
  render: RepositoryRender
  write: WriteResult
}

export const DEFAULT_COMMITTER: Identity = {
  name: 'hydrate',
  email: 'hydrate@users.noreply.github.com'
}

/**
 * render → all-or-nothing check → one commit per branch → one atomic push. Nothing is
 * pushed when any target fails to render.
 */
export async function hydrateRepository(options: HydrateOptions): Promise<RepositoryHydration> {
  const { logger } = options
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  const auth = options.auth
    ? new GitAuthHelper(options.auth.token, options.auth.serverUrl)
    : undefined
  try {
    const git = new GitCommandManager(repoRoot, auth?.configure() ?? {})
    const committer = options.committer ?? (await gitIdentity(git)) ?? DEFAULT_COMMITTER
    const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
    let writer: BranchWriter | undefined
    let state: BranchState | undefined
    // Before rendering: what each branch holds, so unaffected targets keep their output.
    const select = async (config: HydrateConfig): Promise<Selection> => {
      writer = new BranchWriter({
        git,
        remote: options.remote ?? 'origin',
        committer,
        logger,
        prune: config.defaults.prune,
        dryRun: options.dryRun,
        maxAttempts: options.maxAttempts,
        backoffMs: options.backoffMs,
        beforePush: options.beforePush
      })
      state = await writer.inspect([...new Set(config.targets.map(t => t.branch))].sort())
      return selectIncremental({ config, state, writer, git, toolbox, logger, full: options.full })
    }
    const render = await logger.group('Render', () =>
      renderRepository({ ...options, repoRoot, toolbox, select })
    )
    assertRendered(render)
    // Nothing that breaks a rule at error level is ever pushed, whatever fail-on says.
    assertPolicy(render.policy.findings, options.failOn === 'warning' ? 'warning' : 'error', logger)
    const activeWriter = writer as unknown as BranchWriter
    const write = await logger.group(
      options.dryRun ? 'Plan branches (dry run)' : 'Write and push branches',
      () => activeWriter.write(render.dry, render.layouts, state)
    )
    for (const branch of write.branches) if (branch.reason) logger.warning(branch.reason)
    // Every git process of the run's plumbing: inspection, change detection, writes, push.
    return { render, write: { ...write, gitProcesses: git.processes } }
  } finally {
    auth?.remove()
  }
}

async function gitIdentity(git: GitCommandManager): Promise<Identity | undefined> {
  const name = (await git.exec(['config', 'user.name'], { allowFailure: true })).stdout.trim()
  const email = (await git.exec(['config', 'user.email'], { allowFailure: true })).stdout.trim()
  return name && email ? { name, email } : undefined
}

export interface DiffOptions extends EngineOptions {
  /** The PR base (a branch, ref or SHA); the diff starts at its merge-base with the head. */
  base: string
  /** Default: the working tree at HEAD. */
  head?: string
  remote?: string
  /** Render every target, not only the affected ones. */
  full?: boolean
}

export interface RepositoryDiff {
  report: DiffReport
  base: RepositoryRender | undefined
  head: RepositoryRender
  timings: { baseMs: number; headMs: number; totalMs: number }
}

/** One side of a diff; a base whose config does not load counts as having no targets. */
async function renderSide(
  options: EngineOptions,
  side: 'base' | 'head'
): Promise<RepositoryRender | undefined> {
  try {
    return await renderRepository(options)
  } catch (error) {
    if (side === 'base' && (error instanceof ConfigError || error instanceof UsageError)) {
      options.logger.warning(
        `the base has no usable configuration (${getErrorMessage(error)}); every head target counts as added`
      )
      return undefined
    }
    throw error
  }
}

function sideOf(render: RepositoryRender | undefined): DiffSide {
  return render
    ? {
        targets: render.config.targets,
        rendered: render.rendered,
        failures: render.failures,
        selected: new Set([...render.rendered, ...render.failures].map(r => r.target.name))
      }
    : { targets: [], rendered: [], failures: [], selected: new Set<string>() }
}

/**
 * Renders the base (merge-base, from a temporary worktree) and the head, and compares them
 * target by target, resource by resource. Render failures are reported per target.
 */
export async function diffRepository(options: DiffOptions): Promise<RepositoryDiff> {
  const { logger } = options
  const started = performance.now()
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  const git = new GitCommandManager(repoRoot)
  const remote = options.remote ?? 'origin'
  const headSha = await resolveCommit(git, options.head ?? 'HEAD', remote)
  const baseTip = await resolveCommit(git, options.base, remote)
  const baseSha = await mergeBase(git, baseTip, headSha, logger, remote)
  logger.info(
    `base ${baseSha.slice(0, 7)} (merge-base with ${options.base}), head ${headSha.slice(0, 7)}`
  )
  const configFile =
    options.configFile && path.isAbsolute(options.configFile)
      ? path.relative(repoRoot, options.configFile)
      : options.configFile
  const t0 = performance.now()
  // Only targets whose inputs changed are rendered, on both sides (DESIGN §13).
  const changed = await changedFiles(git, baseSha, options.head === undefined ? undefined : headSha)
  let affected: AffectedTargets | undefined
  const selectHead = (config: HydrateConfig) => {
    affected = affectedTargets(config, config.targets, changed, { full: options.full })
    for (const [name, reason] of affected.reasons) logger.debug(`affected: ${name} (${reason})`)
    return { render: config.targets.filter(t => affected?.affected.has(t.name)) }
  }
  const head = await logger.group('Render head', async () => {
    const sideOptions = { ...options, configFile, select: selectHead }
    const render =
      options.head === undefined
        ? await renderSide({ ...sideOptions, repoRoot }, 'head')
        : await withWorktree(git, headSha, dir =>
            renderSide({ ...sideOptions, repoRoot: dir }, 'head')
          )
    return render as RepositoryRender
  })
  const headNames = new Set(head.config.targets.map(t => t.name))
  // The base renders what the head does, plus targets the head no longer has (removed).
  const selectBase = (config: HydrateConfig) => ({
    render: config.targets.filter(t => !headNames.has(t.name) || affected?.affected.has(t.name))
  })
  const t1 = performance.now()
  const base = await logger.group('Render base', () =>
    withWorktree(git, baseSha, dir =>
      renderSide({ ...options, repoRoot: dir, configFile, select: selectBase }, 'base')
    )
  )
  const t2 = performance.now()
  const targets = diffTargets(sideOf(base), sideOf(head), head.config.diff)
  const report: DiffReport = {
    base: baseSha,
    head: headSha,
    targets,
    findings: markPreExisting(head.policy.findings, base?.policy.findings ?? [])
  }
  return {
    report,
    base,
    head,
    timings: { headMs: t1 - t0, baseMs: t2 - t1, totalMs: performance.now() - started }
  }
}

/** Head findings that the base has too are marked pre-existing: this change did not add them. */
export function markPreExisting(head: readonly Finding[], base: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.target}\u0000${f.resource}\u0000${f.rule}\u0000${f.message}`
  const before = new Set(base.map(key))
  return head.map(f => (before.has(key(f)) ? { ...f, preExisting: true } : { ...f }))
}

/** The findings that decide a diff's exit status: the ones this change introduces. */
export function newFindings(report: DiffReport): Finding[] {
  return report.findings.filter(f => !f.preExisting)
}
