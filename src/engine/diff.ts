import path from 'node:path'
import type { HydrateConfig } from '../config/types.js'
import { diffTargets, type DiffSide } from '../diff/targets.js'
import type { DiffReport } from '../diff/types.js'
import { ConfigError, getErrorMessage, UsageError } from '../errors.js'
import { GitCommandManager } from '../git/commandManager.js'
import { mergeBase, resolveCommit, withWorktree } from '../git/revisions.js'
import type { Finding } from '../policy/types.js'
import { Toolbox } from '../render/tools.js'
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
/** Like Promise.all, but waits for both sides (worktrees removed) before it rejects. */
async function bothSettled<A, B>(promises: [Promise<A>, Promise<B>]): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled(promises)
  if (a.status === 'rejected') throw a.reason
  if (b.status === 'rejected') throw b.reason
  return [a.value, b.value]
}

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
  // Only targets whose inputs changed are rendered, on both sides (docs/adr/0005).
  const changed = await changedFiles(git, baseSha, options.head === undefined ? undefined : headSha)
  // Base and head render at the same time; the base waits only for the head's config, which
  // decides what is affected.
  let headPlan: (plan: { names: Set<string>; affected: AffectedTargets }) => void = () => undefined
  let headFailed: (error: unknown) => void = () => undefined
  const planned = new Promise<{ names: Set<string>; affected: AffectedTargets }>(
    (resolve, reject) => {
      headPlan = resolve
      headFailed = reject
    }
  )
  planned.catch(() => undefined) // the head's own error is what gets reported
  const selectHead = (config: HydrateConfig) => {
    const affected = affectedTargets(config, config.targets, changed, { full: options.full })
    for (const [name, reason] of affected.reasons) logger.debug(`affected: ${name} (${reason})`)
    headPlan({ names: new Set(config.targets.map(t => t.name)), affected })
    return { render: config.targets.filter(t => affected.affected.has(t.name)) }
  }
  // The base renders what the head does, plus targets the head no longer has (removed).
  const selectBase = async (config: HydrateConfig) => {
    const { names, affected } = await planned
    return {
      render: config.targets.filter(t => !names.has(t.name) || affected.affected.has(t.name))
    }
  }
  const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = performance.now()
    return { value: await work(), ms: performance.now() - started }
  }
  const [headSide, baseSide] = await logger.group('Render base and head', () =>
    bothSettled([
      timed(async () => {
        const sideOptions = { ...options, configFile, toolbox, select: selectHead }
        return options.head === undefined
          ? ((await renderSide({ ...sideOptions, repoRoot }, 'head')) as RepositoryRender)
          : ((await withWorktree(git, headSha, dir =>
              renderSide({ ...sideOptions, repoRoot: dir }, 'head')
            )) as RepositoryRender)
      }).catch((error: unknown) => {
        headFailed(error)
        throw error
      }),
      timed(() =>
        withWorktree(git, baseSha, dir =>
          renderSide({ ...options, repoRoot: dir, configFile, toolbox, select: selectBase }, 'base')
        )
      )
    ])
  )
  const head = headSide.value
  const base = baseSide.value
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
    timings: { headMs: headSide.ms, baseMs: baseSide.ms, totalMs: performance.now() - started }
  }
}

/** Head findings that the base has too are marked pre-existing: this change did not add them. */
export function markPreExisting(head: readonly Finding[], base: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.target}\u0000${f.resource}\u0000${f.rule}\u0000${f.message}`
  const before = new Set(base.map(key))
  return head.map(f => (before.has(key(f)) ? { ...f, preExisting: true } : { ...f }))
}
