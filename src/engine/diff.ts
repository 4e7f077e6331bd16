/* eslint-disable max-lines -- split pending (issue 24) */
import path from 'node:path'
import { diffTargets, type DiffSide } from '../diff/targets.js'
import { reviewSettings } from '../diff/reviewSettings.js'
import { refuseDryBranches } from '../config/dryBranches.js'
import { branchOfRef, dryBranches } from './dryBranches.js'
import type { DiffReport } from '../diff/types.js'
import { ConfigError, getErrorMessage, UsageError } from '../errors.js'
import { counted } from '../plural.js'
import { GitCommandManager } from '../git/commandManager.js'
import { readBlobs } from '../git/objects.js'
import { mergeBase, resolveCommit, TemporaryWorktree, withWorktree } from '../git/revisions.js'
import { readDryCommit } from '../git/dryCommit.js'
import { asHydrated, diffOrder, resourcesFromBranch } from '../hydrate/branchOutput.js'
import { RecordedOutputs } from '../hydrate/incremental.js'
import { inspectRemote, type RemoteState } from '../hydrate/remoteState.js'
import type { Logger } from '../logger.js'
import type { RenderedTarget } from '../render/index.js'
import type { Finding } from '../policy/types.js'
import type { HydrateConfig, Target } from '../config/types.js'
import { Toolbox, toolsOf } from '../render/tools.js'
import { checkRisks } from '../risk/index.js'
import { ChartCache, chartCacheDir } from '../render/chartCache.js'
import { affectedTargets, changes } from '../targets/affected.js'
import { DependencyIndex, type TargetDependencies } from '../targets/dependencies.js'
import { recordedDependencies } from '../hydrate/recordedInputs.js'
import { restrictOptIns } from '../targets/optIns.js'
import { baseRemoteAllow } from './baseRemote.js'
import { keepBasePolicy } from '../risk/basePolicy.js'
import { withPullRequestPolicies } from './pullRequestPolicies.js'
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

function sideOf(render: RepositoryRender | undefined, side: 'base' | 'head'): DiffSide {
  return render
    ? {
        targets: render.config.targets,
        // What the diff compares is what the branches hold (and a base read from its branch
        // gives): the hydrated key order, and for `layout: resources` the files' order.
        rendered: render.rendered.map(r => {
          const resources = asHydrated(r.target, r.resources)
          return { ...r, resources: side === 'base' ? diffOrder(r.target, resources) : resources }
        }),
        failures: render.failures,
        selected: new Set([...render.rendered, ...render.failures].map(r => r.target.name))
      }
    : { targets: [], rendered: [], failures: [], selected: new Set<string>() }
}

/** The dependencies the branches' inputs notes give that still hold at `at` (ADR 0020). */
async function notedDependencies(options: {
  state: RemoteState | undefined
  git: GitCommandManager
  targets: readonly Target[]
  at: string | undefined
  remote: string
  logger: Logger
}): Promise<Map<string, TargetDependencies> | undefined> {
  const notes = options.state?.inputs
  if (!notes || notes.size === 0) return undefined
  const known = await recordedDependencies({
    git: options.git,
    notes,
    targets: options.targets,
    at: options.at,
    dryRemote: options.remote
  })
  options.logger.info(
    `what ${known.size} of ${counted(options.targets.length, 'target')} read comes from the inputs noted on their branches`
  )
  return known
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
  const sideOptions = { ...options, configFile, toolbox, chartCache, remoteAllow, ownPoliciesAtDiff: true }
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
      loadBase({ ...sideOptions, repoRoot: await baseTree.dir(), shard: baseShard })
    try {
      const loaded = await loadRepository({ ...sideOptions, repoRoot: headDir })
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
          timed(() => renderSelection(head, headSelection, sideOptions)),
          timed(async () =>
            base
              ? renderSelection(
                  base,
                  { render: needed(base.config).filter(t => !read.has(t.name)), fromBranches },
                  sideOptions
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
              sideOptions
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
  const sides = { base: sideOf(base, 'base'), head: sideOf(head, 'head') }
  // Ignore rules and noise as the base has them: the change's own apply once merged.
  const review = reviewSettings(head.config.diff, base?.config.diff)
  if (review.withheld)
    logger.warning(
      `this change adds ${review.described.join(', ')}; this diff shows with the base's settings; they apply once merged`
    )
  const targets = diffTargets(sides.base, sides.head, review.settings, review.withheld)
  const policies = await withPullRequestPolicies(git, baseSha, head, base)
  const renderedOn = (side: RepositoryRender | undefined, fromBranch: number) =>
    side ? side.rendered.length + side.failures.length - fromBranch : 0
  const report: DiffReport = {
    base: baseSha,
    head: headSha,
    targets,
    // The risk rules compare the two sides, so they run here, not in the render's policy.
    findings: [
      ...markPreExisting(policies.head, policies.base),
      ...checkRisks(sides.base, sides.head, head.config.policy)
    ],
    rendering: {
      rendered: { base: renderedOn(base, baseFromBranchCount), head: renderedOn(head, 0) },
      fromBranches: baseFromBranchCount
    }
  }
  return {
    report,
    base,
    head,
    timings: { headMs: headSide.ms, baseMs: baseSide.ms, totalMs: performance.now() - started }
  }
}

/**
 * The base targets whose output on their environment branch is what rendering them at the
 * merge-base would give (the check incremental push makes: recorded dry commit, nothing they
 * read changed from it to the merge-base, same tool versions), read from the branch tips in
 * one fetch and one `git cat-file`. Anything that cannot be read or trusted is rendered.
 */
async function baseFromBranches(options: {
  base: LoadedRepository
  targets: readonly Target[]
  baseSha: string
  remote: string
  toolbox: Toolbox
  logger: Logger
  /** The remote state of these branches (inspected once for the run). */
  branchState: (branches: readonly string[]) => Promise<RemoteState | undefined>
  /** Files that differ between the base's tree and the one `base` was loaded from. */
  differsAt?: readonly string[]
  /** What the targets read in the tree `base` was loaded from, when known. */
  index?: DependencyIndex
}): Promise<RenderedTarget[]> {
  const { base, targets, baseSha, remote, toolbox, logger } = options
  if (targets.length === 0) return []
  const state = await options.branchState([...new Set(targets.map(t => t.branch))].sort())
  if (!state) return []
  const recorded = new RecordedOutputs({
    config: base.config,
    remote: state,
    git: base.git,
    toolbox,
    at: baseSha,
    dryRemote: remote,
    differsAt: options.differsAt,
    index: options.index
  })
  const outputs: Array<{
    target: Target
    files: Map<string, string>
    tools: Record<string, string>
    commands: string[]
  }> = []
  for (const target of targets) {
    const output = await recorded.check(target)
    if (typeof output === 'string') {
      logger.debug(`base of ${target.name} is rendered: ${output}`)
      continue
    }
    outputs.push({
      target,
      files: new Map([...output.files].map(([file, entry]) => [file, entry.id])),
      tools: output.owned.tools,
      commands: output.owned.commands
    })
  }
  const blobs = await readBlobs(
    base.git,
    outputs.flatMap(o => [...o.files.values()])
  )
  const read: RenderedTarget[] = []
  for (const { target, files, tools, commands } of outputs) {
    const resources = resourcesFromBranch(
      target,
      new Map([...files].map(([file, id]) => [file, blobs.get(id)]))
    )
    if (typeof resources === 'string') {
      logger.debug(`base of ${target.name} is rendered: ${resources}`)
      continue
    }
    read.push({
      target,
      resources,
      problems: [],
      commands: [...commands],
      tools: { ...tools },
      warnings: [],
      durationMs: 0
    })
  }
  if (read.length > 0)
    logger.info(
      `${read.length} of ${counted(targets.length, 'base target')} read from their environment branch`
    )
  return read
}

/** `side` with the targets of `again` (rendered, failed, their findings) replaced by it. */
function replaceTargets(side: RepositoryRender, again: RepositoryRender): RepositoryRender {
  const names = new Set([...again.rendered, ...again.failures].map(r => r.target.name))
  return {
    ...side,
    rendered: [...side.rendered.filter(r => !names.has(r.target.name)), ...again.rendered],
    failures: [...side.failures.filter(f => !names.has(f.target.name)), ...again.failures],
    errors: [...side.errors, ...again.errors],
    policy: {
      ...side.policy,
      findings: [
        ...side.policy.findings.filter(f => !names.has(f.target)),
        ...again.policy.findings
      ]
    }
  }
}

/** Head findings that the base has too are marked pre-existing: this change did not add them. */
export function markPreExisting(head: readonly Finding[], base: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.target}\u0000${f.resource}\u0000${f.rule}\u0000${f.message}`
  const before = new Set(base.map(key))
  return head.map(f => (before.has(key(f)) ? { ...f, preExisting: true } : { ...f }))
}
