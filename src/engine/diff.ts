import path from 'node:path'
import { diffTargets, type DiffSide } from '../diff/targets.js'
import type { DiffReport } from '../diff/types.js'
import { ConfigError, getErrorMessage, UsageError } from '../errors.js'
import { GitCommandManager } from '../git/commandManager.js'
import { mergeBase, resolveCommit, withWorktree } from '../git/revisions.js'
import type { Finding } from '../policy/types.js'
import { Toolbox } from '../render/tools.js'
import { ChartCache, chartCacheDir } from '../render/chartCache.js'
import { affectedTargets, changedFiles } from '../targets/affected.js'
import { restrictOptIns } from '../targets/optIns.js'
import {
  loadRepository,
  renderSelection,
  resolveRepoRoot,
  type EngineOptions,
  type LoadedRepository,
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

/** The base side's load; a base whose config does not load counts as having no targets. */
async function loadBase(options: EngineOptions): Promise<LoadedRepository | undefined> {
  try {
    return await loadRepository(options)
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
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

/** Like Promise.all, but waits for both sides (worktrees removed) before it rejects. */
async function bothSettled<A, B>(promises: [Promise<A>, Promise<B>]): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled(promises)
  if (a.status === 'rejected') throw a.reason
  if (b.status === 'rejected') throw b.reason
  return [a.value, b.value]
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  return { value: await work(), ms: performance.now() - started }
}

/**
 * load (head, and the base from a temporary worktree of the merge-base) → plan (affected
 * targets; read-widening settings only as the base grants them) → render both sides at the
 * same time → compare target by target, resource by resource. Render failures are reported
 * per target.
 */
export async function diffRepository(options: DiffOptions): Promise<RepositoryDiff> {
  const { logger } = options
  const started = performance.now()
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  const git = new GitCommandManager(repoRoot)
  const remote = options.remote ?? 'origin'
  // A --base or --head that names nothing is a usage error (exit 2).
  const userCommit = (ref: string) =>
    resolveCommit(git, ref, remote).catch((error: unknown) => {
      throw error instanceof UsageError ? error : new UsageError(getErrorMessage(error))
    })
  const headSha = await userCommit(options.head ?? 'HEAD')
  const baseTip = await userCommit(options.base)
  const baseSha = await mergeBase(git, baseTip, headSha, logger, remote)
  logger.info(
    `base ${baseSha.slice(0, 7)} (merge-base with ${options.base}), head ${headSha.slice(0, 7)}`
  )
  const configFile =
    options.configFile && path.isAbsolute(options.configFile)
      ? path.relative(repoRoot, options.configFile)
      : options.configFile
  const changed = await changedFiles(git, baseSha, options.head === undefined ? undefined : headSha)
  const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
  // One cache for both sides: a chart the base and the head both use is fetched once.
  const chartCache =
    options.chartCache ?? new ChartCache(chartCacheDir(options.env ?? process.env), logger)
  const sideOptions = { ...options, configFile, toolbox, chartCache }

  const compare = (headDir: string) =>
    withWorktree(git, baseSha, async baseDir => {
      const loaded = await loadRepository({ ...sideOptions, repoRoot: headDir })
      // A shard's plan was made for the head: the base is narrowed to it, not checked against it.
      const baseShard = sideOptions.shard && { ...sideOptions.shard, fingerprint: undefined }
      const base = await loadBase({ ...sideOptions, repoRoot: baseDir, shard: baseShard })
      const { targets, withheld } = restrictOptIns(loaded.config.targets, base?.config.allTargets)
      for (const { target, settings } of withheld)
        logger.warning(
          `target ${target}: ${settings.join(', ')} come from this change, so this diff renders without them; they apply once merged`
        )
      const head = { ...loaded, config: { ...loaded.config, targets } }
      // Only targets whose inputs changed are rendered, on both sides (docs/adr/0005); the
      // base also renders the targets the head no longer has (removed).
      const affected = affectedTargets(head.config, targets, changed, { full: options.full })
      for (const [name, reason] of affected.reasons) {
        // An unpinned chart is worth saying: pinning it would spare this render.
        if (reason.startsWith('always rendered:')) logger.info(`affected: ${name} (${reason})`)
        else logger.debug(`affected: ${name} (${reason})`)
      }
      const names = new Set(targets.map(t => t.name))
      const headSelection = { render: targets.filter(t => affected.affected.has(t.name)) }
      return logger.group('Render base and head', () =>
        bothSettled([
          timed(() => renderSelection(head, headSelection, sideOptions)),
          timed(async () =>
            base
              ? renderSelection(
                  base,
                  {
                    render: base.config.targets.filter(
                      t => !names.has(t.name) || affected.affected.has(t.name)
                    )
                  },
                  sideOptions
                )
              : undefined
          )
        ])
      )
    })
  const [headSide, baseSide] =
    options.head === undefined ? await compare(repoRoot) : await withWorktree(git, headSha, compare)
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
