import path from 'node:path'
import { refuseDryBranches } from '../config/dryBranches.js'
import { branchOfRef, dryBranches } from './dryBranches.js'
import type { DiffReport } from '../diff/types.js'
import { getErrorMessage, UsageError } from '../errors.js'
import { GitCommandManager } from '../git/commandManager.js'
import { mergeBase, resolveCommit, TemporaryWorktree, withWorktree } from '../git/revisions.js'
import { readDryCommit } from '../git/dryCommit.js'
import { inspectRemote, type RemoteState } from '../hydrate/remoteState.js'
import type { HydrateConfig } from '../config/types.js'
import { Toolbox, toolsOf } from '../render/tools.js'
import { ChartCache, chartCacheDir } from '../render/chartCache.js'
import { affectedTargets, changes } from '../targets/affected.js'
import { sideLoggers } from './sideLogger.js'
import { DependencyIndex } from '../targets/dependencyIndex.js'
import { restrictOptIns } from '../targets/optIns.js'
import { baseRemoteAllow } from './baseRemote.js'
import { keepBasePolicy } from '../risk/basePolicy.js'
import { baseFromBranches, loadBase, notedDependencies, replaceTargets } from './diffBase.js'
import { compareSides } from './diffCompare.js'
import {
  loadRepository,
  renderSelection,
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
  /**
   * Render the base of every affected target, also where its environment branch already
   * holds it (by default such a base is read from the branch: one render per target).
   */
  renderBase?: boolean
  /** The branch the PR goes into, when `base` is a commit (the action's pull_request base.ref). */
  baseBranch?: string
}

export interface RepositoryDiff {
  report: DiffReport
  base: RepositoryRender | undefined
  head: RepositoryRender
  timings: { baseMs: number; headMs: number; totalMs: number }
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
 * load (head, and the base: the head's config when the change only edits file contents, else
 * from a temporary worktree of the merge-base) → plan (affected targets; read-widening
 * settings only as the base grants them; bases the environment branches already hold are read
 * from there) → render the head and the remaining bases at the same time → compare target by
 * target, resource by resource. Render failures are reported per target.
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
  const change = await changes(git, baseSha, options.head === undefined ? undefined : headSha)
  const changed = change.files
  const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
  // One cache for both sides: a chart the base and the head both use is fetched once.
  const chartCache =
    options.chartCache ?? new ChartCache(chartCacheDir(options.env ?? process.env), logger)
  // Charts are fetched only from where the base allows, on both sides.
  const remoteAllow =
    options.remoteAllow ?? (await baseRemoteAllow(git, baseSha, configFile, logger))
  const sideOptions = {
    ...options,
    configFile,
    toolbox,
    chartCache,
    remoteAllow,
    ownPoliciesAtDiff: true
  }
  const sideLogs = sideLoggers(logger)
  const baseOptions = { ...sideOptions, logger: sideLogs.base.render }
  const headOptions = { ...sideOptions, logger: sideLogs.head.render }
  const readBranches = !options.full && !options.renderBase
  // The environment branches, inspected once (one fetch) when a base is to be read from them.
  let inspected: Promise<RemoteState | undefined> | undefined
  const branchState = (branches: readonly string[]) =>
    (inspected ??= inspectRemote(git, { remote, branches, logger }).catch((error: unknown) => {
      logger.info(
        `bases are rendered: the environment branches cannot be read (${getErrorMessage(error)})`
      )
      return undefined
    }))
  const branchOptions = { baseSha, remote, toolbox, logger, branchState }

  // No output branch may be where the source lives: the PR's base, the default branch.
  const baseBranch = options.baseBranch ?? branchOfRef(options.base, remote)
  const dry = await dryBranches(git, {
    remote,
    known: new Map(baseBranch ? [[baseBranch, "the pull request's base branch"]] : [])
  })

  const compare = async (headDir: string) => {
    // The base's files are checked out only when something needs them (a checkout costs as
    // much as the repository is large).
    const baseTree = new TemporaryWorktree(git, baseSha)
    // A shard's plan was made for the head: the base is narrowed to it, not checked against it.
    const baseShard = sideOptions.shard && { ...sideOptions.shard, fingerprint: undefined }
    const loadBaseTree = async () =>
      loadBase({
        ...sideOptions,
        logger: sideLogs.base.load,
        repoRoot: await baseTree.dir(),
        shard: baseShard
      })
    try {
      const loaded = await loadRepository({
        ...sideOptions,
        logger: sideLogs.head.load,
        repoRoot: headDir
      })
      refuseDryBranches(loaded.config, dry)
      // A change that only edits the content of tracked files, not the config, leaves every
      // file and directory the config reads where it was: the merge-base's config is the
      // head's, and its targets can be checked against their branches on the head's tree.
      const sameLayout =
        readBranches &&
        change.contentOnly &&
        !(loaded.config.file !== undefined && changed.includes(loaded.config.file))
      let base = sameLayout
        ? {
            ...loaded,
            dry: await readDryCommit(git, baseSha, options.repoURL ?? loaded.dry.repoURL),
            loadMs: 0
          }
        : await loadBaseTree()
      const optIns = restrictOptIns(loaded.config.targets, base?.config.allTargets)
      for (const { target, settings } of optIns.withheld)
        logger.warning(
          `target ${target}: ${settings.join(', ')} come from this change, so this diff renders without them; they apply once merged`
        )
      // Nor may a change weaken the rules its own output is checked by.
      const { targets, kept } = keepBasePolicy(
        { policy: loaded.config.policy, targets: optIns.targets },
        base && { policy: base.config.policy, targets: base.config.allTargets }
      )
      for (const { target, rules } of kept)
        logger.warning(
          `target ${target}: this change weakens policy ${rules.join(', ')}; this diff checks with the base's settings; they apply once merged`
        )
      const head = { ...loaded, config: { ...loaded.config, targets } }
      // What each target reads: as noted on its branch where that still holds (ADR 0020), so
      // a one-app change reads one app's kustomizations, not the repository's.
      const index = new DependencyIndex(
        headDir,
        readBranches && !options.full
          ? await notedDependencies({
              state: await branchState(
                [
                  ...new Set([...targets, ...(base?.config.targets ?? [])].map(t => t.branch))
                ].sort()
              ),
              git,
              targets,
              at: options.head === undefined ? undefined : headSha,
              remote,
              logger
            })
          : undefined
      )
      // Only targets whose inputs changed are rendered, on both sides (docs/adr/0005); the
      // base also renders the targets the head no longer has (removed).
      const affected = affectedTargets(head.config, targets, changed, {
        full: options.full,
        index
      })
      for (const [name, reason] of affected.reasons) {
        // An unpinned chart is worth saying: pinning it would spare this render.
        if (reason.startsWith('always rendered:')) logger.info(`affected: ${name} (${reason})`)
        else logger.debug(`affected: ${name} (${reason})`)
      }
      const names = new Set(targets.map(t => t.name))
      const headSelection = { render: targets.filter(t => affected.affected.has(t.name)) }
      // Their tool versions are looked up while the branches are read (the check needs them too).
      toolbox.prepare(headSelection.render.flatMap(toolsOf))
      const needed = (config: HydrateConfig | undefined) =>
        (config?.targets ?? []).filter(t => !names.has(t.name) || affected.affected.has(t.name))
      // A base already hydrated on its branch is read from there, not rendered (ADR 0018).
      const fromBranches =
        base && readBranches
          ? await baseFromBranches({
              base,
              targets: needed(base.config),
              ...branchOptions,
              differsAt: sameLayout ? changed : undefined,
              // The same tree and targets: what each reads is known already.
              index: sameLayout ? index : undefined
            })
          : []
      const read = new Set(fromBranches.map(r => r.target.name))
      if (sameLayout && needed(base?.config).some(t => !read.has(t.name))) {
        // Some base needs the merge-base's own files: checked against its branch there, else
        // rendered there.
        base = await loadBaseTree()
        if (base)
          for (const more of await baseFromBranches({
            base,
            targets: needed(base.config).filter(t => !read.has(t.name)),
            ...branchOptions
          })) {
            fromBranches.push(more)
            read.add(more.target.name)
          }
      }
      const rendered = await logger.group('Render base and head', () =>
        bothSettled([
          timed(() => renderSelection(head, headSelection, headOptions)),
          timed(async () =>
            base
              ? renderSelection(
                  base,
                  { render: needed(base.config).filter(t => !read.has(t.name)), fromBranches },
                  baseOptions
                )
              : undefined
          )
        ])
      )
      const [headSide, baseSide] = rendered
      // A branch keeps no document a render left out: where the head's render leaves some out,
      // the base is rendered too, so the base's findings on them mark the head's pre-existing.
      const redo = fromBranches
        .map(r => r.target.name)
        .filter(name =>
          headSide.value.rendered.some(h => h.target.name === name && h.problems.length > 0)
        )
      if (redo.length > 0) {
        const tree = baseTree.used ? base : await loadBaseTree()
        if (tree && baseSide.value) {
          const again = await timed(() =>
            renderSelection(
              tree,
              { render: tree.config.targets.filter(t => redo.includes(t.name)) },
              baseOptions
            )
          )
          baseSide.value = replaceTargets(baseSide.value, again.value)
          baseSide.ms += again.ms
        }
      }
      return [headSide, baseSide, fromBranches.length - redo.length] as const
    } finally {
      await baseTree.remove()
    }
  }
  const [headSide, baseSide, baseFromBranchCount] =
    options.head === undefined ? await compare(repoRoot) : await withWorktree(git, headSha, compare)
  const head = headSide.value
  const base = baseSide.value
  const report = await compareSides({
    git,
    baseSha,
    headSha,
    head,
    base,
    fromBranches: baseFromBranchCount,
    logger
  })
  return {
    report,
    base,
    head,
    timings: { headMs: headSide.ms, baseMs: baseSide.ms, totalMs: performance.now() - started }
  }
}
