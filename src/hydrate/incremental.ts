import type { HydrateConfig, Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { TreeEntry } from '../git/gitObjects.js'
import type { Ancestry } from '../git/objects.js'
import { resolveCommit } from '../git/revisions.js'
import type { Logger } from '../logger.js'
import type { RenderedTarget } from '../render/index.js'
import type { Toolbox } from '../render/tools.js'
import { nestedKustomizations } from '../sources/directory.js'
import { affectedTargets, changedFiles } from '../targets/affected.js'
import { changesStructure } from '../targets/dependencies.js'
import { DependencyIndex } from '../targets/dependencyIndex.js'
import { METADATA_FILE } from './layout.js'
import type { RecordedDry, RemoteState } from './remoteState.js'
import type { OwnedPath } from './state.js'

export interface Selection {
  /** Targets to render. */
  render: Target[]
  /** Targets whose branch output stays as it is (only their metadata is rewritten). */
  reused?: RenderedTarget[]
  /**
   * Targets read from their branch instead of rendered (a diff's base): what a render would
   * give, so policy checks them as it checks rendered ones.
   */
  fromBranches?: RenderedTarget[]
}

/** Tool versions a target's render would record now. */
async function expectedTools(
  repoRoot: string,
  target: Target,
  toolbox: Toolbox
): Promise<Record<string, string>> {
  if (target.type === 'helm') return { helm: (await toolbox.helm()).version }
  // A plain directory runs kustomize for its kustomization subdirectories.
  if (
    target.type === 'kustomize' ||
    nestedKustomizations(repoRoot, target.source ?? '').length > 0
  ) {
    const tools: Record<string, string> = { kustomize: (await toolbox.kustomize()).version }
    if (target.kustomize?.enableHelm) tools.helm = (await toolbox.helm()).version
    return tools
  }
  return {}
}

function sameTools(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every(k => a[k] === b[k])
}

/**
 * The dry commit a path's output is known to match: its own drySha in the state file, which
 * the branch commit carries. Not a newer `hydrator.metadata` note (docs/adr/0023): notes sit
 * outside branch protection, and one naming the head would make every change look hydrated.
 */
function verifiedAt(owned: OwnedPath): string {
  return owned.drySha
}

/** What a branch holds of one target's output, when it can stand for a render now. */
export interface RecordedOutput {
  owned: OwnedPath
  /** The dry commit the files are known to match. */
  since: string
  /** Its manifest files (metadata and README aside), relative to the path → blob. */
  files: Map<string, TreeEntry>
}

/**
 * Whether each target's output on its branch is what a render of the repository at `at`
 * would give (docs/adr/0005, 0008): the branch records the target in its state file with
 * every file present, nothing the target reads changed from the recorded dry commit to `at`,
 * and the tool versions are the ones a render would use now. The config itself is one of
 * those inputs (a change to it affects every target), so the commands are the recorded ones.
 * Shared by incremental push (`at`: the working tree) and the diff's base (`at`: the
 * merge-base). Results of git and of the kustomizations read are kept for the whole run.
 */
export class RecordedOutputs {
  private readonly changedSince = new Map<string, Promise<string[] | undefined>>()
  /** Each target's dependencies in the config's tree, read once for all targets. */
  readonly index: DependencyIndex

  constructor(
    private readonly options: {
      /** The config at `at`; its repoRoot holds the files at `at`. */
      config: HydrateConfig
      remote: RemoteState
      git: GitCommandManager
      toolbox: Toolbox
      /** A commit; undefined: the working tree. */
      at?: string
      /** Remote of the dry repository, where a recorded commit missing here is fetched. */
      dryRemote?: string
      /**
       * Files whose content at `at` differs from what the config's repoRoot holds (a diff
       * that checks the merge-base on the head's tree). A target whose dependencies these
       * may change is not checked here.
       */
      differsAt?: readonly string[]
      /** Dependencies already known for the config's tree (shared with the caller). */
      index?: DependencyIndex
    }
  ) {
    this.index = options.index ?? new DependencyIndex(options.config.repoRoot)
  }

  /** What the branch holds of `target`, or why it cannot stand for a render. */
  async check(
    target: Target,
    /** A reason to stop before the recorded commit is fetched (the push's ordering guard). */
    guard?: (record: RecordedDry | undefined) => Promise<string | undefined>
  ): Promise<RecordedOutput | string> {
    const { config, remote, toolbox } = this.options
    const where = `${target.branch}:${target.path}`
    const record = remote.recorded.get(target.branch)
    const state = remote.states.get(target.branch)?.state
    const tree = remote.trees.get(target.branch)
    const owned = state?.paths[target.path]
    if (!state || !tree) return `${target.branch} has no hydrate state`
    if (!owned || owned.target !== target.name) return `${where} holds no output of ${target.name}`
    if (!owned.files.every(file => tree.has(`${target.path}/${file}`)))
      return `${where} misses files of its output`
    const stop = await guard?.(record)
    if (stop) return stop
    const { differsAt } = this.options
    if (differsAt?.length) {
      const deps = this.index.of(target)
      const differs = differsAt.find(file => changesStructure(deps, file))
      if (differs) return `${differs}, which says what it reads, is not the one checked out`
    }
    const since = verifiedAt(owned)
    const changed = await this.changedFrom(since)
    if (!changed) return `the recorded dry commit ${since.slice(0, 7)} is not available`
    const reason = affectedTargets(config, [target], changed, { index: this.index }).reasons.get(
      target.name
    )
    if (reason) return reason
    if (!sameTools(owned.tools, await expectedTools(config.repoRoot, target, toolbox)))
      return 'tool versions changed since the last hydration'
    const files = new Map<string, TreeEntry>()
    for (const file of owned.files) {
      const entry = tree.get(`${target.path}/${file}`)
      if (entry && file !== METADATA_FILE && file !== 'README.md') files.set(file, entry)
    }
    return { owned, since, files }
  }

  private changedFrom(since: string): Promise<string[] | undefined> {
    let pending = this.changedSince.get(since)
    if (!pending) {
      const { git, at, dryRemote } = this.options
      // Recorded at `at` itself (a diff's base read from its branch): nothing changed since.
      pending =
        since === at
          ? Promise.resolve([])
          : resolveCommit(git, since, dryRemote ?? 'origin')
              .then(commit => changedFiles(git, commit, at))
              .catch(() => undefined)
      this.changedSince.set(since, pending)
    }
    return pending
  }
}

/**
 * Incremental hydration (docs/adr/0005): a target is rendered only when something it reads
 * changed since the dry commit its output on the branch comes from, or when the recorded
 * state cannot be trusted (no state file, files missing, other tool versions, a config
 * change). The others keep their hydrated files.
 */
export async function selectIncremental(options: {
  config: HydrateConfig
  remote: RemoteState
  ancestry: Ancestry
  git: GitCommandManager
  toolbox: Toolbox
  logger: Logger
  full?: boolean
  /** Dependencies of the config's targets in its tree, shared with the caller. */
  index?: DependencyIndex
}): Promise<Selection> {
  const { config, remote, ancestry, git, toolbox, logger, index } = options
  if (options.full) return { render: config.targets }
  const reasons = new Map<string, string>()
  const reused: RenderedTarget[] = []
  const headSha = (await git.output(['rev-parse', 'HEAD'])).trim()
  const recorded = new RecordedOutputs({ config, remote, git, toolbox, index })
  // The ordering guard first: it fetches the recorded commit with its history when needed,
  // where the depth-1 fetch of the check would hide that it descends from HEAD.
  const newer = async (record: RecordedDry | undefined, target: Target) =>
    record && record.drySha !== headSha && (await ancestry.isAncestor(headSha, record.drySha))
      ? `${target.branch} is hydrated from a newer dry commit; it will be skipped`
      : undefined
  for (const target of config.targets) {
    const output = await recorded.check(target, record => newer(record, target))
    if (typeof output === 'string') {
      reasons.set(target.name, output)
      continue
    }
    reused.push({
      target,
      resources: [],
      problems: [],
      commands: [...output.owned.commands],
      tools: { ...output.owned.tools },
      warnings: [],
      durationMs: 0,
      reused: output.files
    })
  }
  for (const [name, reason] of reasons) logger.debug(`render ${name}: ${reason}`)
  return { render: config.targets.filter(t => reasons.has(t.name)), reused }
}
