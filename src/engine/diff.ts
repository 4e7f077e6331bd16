import path from 'node:path'
import type { HydrateConfig } from '../config/types.js'
import { diffTargets, type DiffSide } from '../diff/targets.js'
import type { DiffReport } from '../diff/types.js'
import { ConfigError, getErrorMessage, UsageError } from '../errors.js'
import { GitCommandManager } from '../git/commandManager.js'
import { mergeBase, resolveCommit, withWorktree } from '../git/revisions.js'
import type { Finding } from '../policy/types.js'
import { affectedTargets, changedFiles, type AffectedTargets } from '../targets/affected.js'
import {
  renderRepository,
  resolveRepoRoot,
  type EngineOptions,
  type RepositoryRender
} from './render.js'

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
