import fs from 'node:fs'
import path from 'node:path'
import { simpleGit } from 'simple-git'
import { loadConfig } from '../config/load.js'
import type { HydrateConfig } from '../config/types.js'
import { AggregateRenderError, getErrorMessage, HydrateError } from '../errors.js'
import { readDryCommit, type DryCommit } from '../git/dryCommit.js'
import type { Selection } from '../hydrate/incremental.js'
import { buildBranchLayouts, METADATA_FILE, type BranchLayout } from '../hydrate/layout.js'
import type { Logger } from '../logger.js'
import {
  checkPolicy,
  failsOn,
  formatFinding,
  type FailOn,
  type PolicyResult
} from '../policy/index.js'
import type { Finding } from '../policy/types.js'
import { renderTargets, type RenderedTarget, type RenderFailure } from '../render/index.js'
import type { Toolbox } from '../render/tools.js'

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

export async function resolveRepoRoot(dir: string): Promise<string> {
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
