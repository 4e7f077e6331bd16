import path from 'node:path'
import type { DiffSettings, PromotionEnvironment, Target } from '../config/types.js'
import { diffResources } from '../diff/resources.js'
import { highlightChanges } from '../diff/highlights.js'
import type { DiffReport, TargetDiff } from '../diff/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { TreeEntry } from '../git/gitObjects.js'
import { readBlobs, type Ancestry } from '../git/objects.js'
import { parseManifests } from '../manifests/parse.js'
import type { Resource } from '../manifests/resource.js'
import { METADATA_FILE } from '../hydrate/layout.js'
import type { EnvironmentUpdate } from '../hydrate/promotionBranches.js'
import { lastChecked, type RecordedDry, type RemoteState } from '../hydrate/remoteState.js'
import type { HydrateState } from '../hydrate/state.js'

// What each environment's promotion stands at after a push (docs/adr/0015).
// Pure decisions over the branches as the remote holds them; the action front turns them
// into pull requests and commit statuses, the CLI prints them.

export type PromotionOutcome =
  /** autoMerge: the environment branch now is its promotion branch (moved by this run). */
  | { kind: 'fast-forwarded'; sha: string }
  /** Nothing to promote: the environment branch holds what its promotion branch holds. */
  | { kind: 'in-sync'; sha: string }
  /** A promotion PR next → branch is due, its body the rendered diff between the two. */
  | { kind: 'proposed'; report: DiffReport }
  /** Not proposed yet: the environment before it in `order` does not carry the dry commit. */
  | { kind: 'waiting'; for: string }
  | { kind: 'failed'; reason: string }

export interface EnvironmentPromotion {
  env: string
  branch: string
  next: string
  autoMerge: boolean
  /** Tips after the push. */
  branchTip?: string
  nextTip?: string
  outcome: PromotionOutcome
}

export interface PromotionResult {
  drySha: string
  /** In promotion order. */
  environments: EnvironmentPromotion[]
}

function sameTree(
  a: ReadonlyMap<string, TreeEntry> | undefined,
  b: ReadonlyMap<string, TreeEntry> | undefined
): boolean {
  if (!a || !b || a.size !== b.size) return false
  for (const [file, entry] of a) {
    const other = b.get(file)
    if (!other || other.id !== entry.id || other.mode !== entry.mode) return false
  }
  return true
}

/**
 * Decides each environment's promotion from the remote as it is after the push: autoMerge
 * environments report their fast-forward; another environment with something to promote is
 * proposed once the environment before it carries the dry commit, else it waits.
 */
export async function planPromotions(options: {
  git: GitCommandManager
  /** The remote after the push: every environment and promotion branch inspected. */
  remote: RemoteState
  environments: readonly PromotionEnvironment[]
  /** Each environment waits for the one before it (`promotion.order`); else each on its own. */
  ordered?: boolean
  updates: readonly EnvironmentUpdate[]
  drySha: string
  ancestry: Ancestry
  targets: readonly Target[]
  diff: DiffSettings
}): Promise<PromotionResult> {
  const { remote, drySha, ancestry } = options
  // The note counts here: a run that changed nothing on a branch moves only its note.
  const atLeast = async (record: RecordedDry | undefined) => {
    const recorded = record && lastChecked(record)
    return (
      recorded !== undefined &&
      (recorded === drySha || (await ancestry.isAncestor(drySha, recorded)))
    )
  }
  // An environment carries the dry commit when its branch records it (or newer), or when it
  // holds exactly its promotion branch and that records it (a PR merged with a merge commit
  // has no note of its own).
  const carries = async (environment: PromotionEnvironment) =>
    (await atLeast(remote.recorded.get(environment.branch))) ||
    (sameTree(remote.trees.get(environment.branch), remote.trees.get(environment.next)) &&
      (await atLeast(remote.recorded.get(environment.next))))

  const result: EnvironmentPromotion[] = []
  for (const [index, environment] of options.environments.entries()) {
    const { env, branch, next, autoMerge } = environment
    const branchTip = remote.tips.get(branch)
    const nextTip = remote.tips.get(next)
    const update = options.updates.find(u => u.env === env)
    const entry = (outcome: PromotionOutcome): void => {
      result.push({ env, branch, next, autoMerge, branchTip, nextTip, outcome })
    }
    if (!nextTip) {
      entry({ kind: 'failed', reason: `${next} does not exist (not hydrated yet)` })
      continue
    }
    if (!branchTip) {
      entry({ kind: 'failed', reason: update?.reason ?? `${branch} does not exist` })
      continue
    }
    if (autoMerge) {
      if (branchTip === nextTip)
        entry(
          update?.action === 'fast-forwarded' || update?.action === 'created'
            ? { kind: 'fast-forwarded', sha: branchTip }
            : { kind: 'in-sync', sha: branchTip }
        )
      else
        entry({
          kind: 'failed',
          reason: update?.reason ?? `${branch} was not fast-forwarded to ${next}`
        })
      continue
    }
    if (sameTree(remote.trees.get(branch), remote.trees.get(next))) {
      entry({ kind: 'in-sync', sha: branchTip })
      continue
    }
    const before =
      options.ordered !== false && index > 0 ? options.environments[index - 1] : undefined
    if (before && !(await carries(before))) {
      entry({ kind: 'waiting', for: before.env })
      continue
    }
    entry({
      kind: 'proposed',
      report: await branchReport(options.git, remote, environment, options.targets, options.diff)
    })
  }
  return { drySha, environments: result }
}

/** The output files of a path: what the state file lists, else Argo CD's manifest.yaml. */
function outputFiles(
  dir: string,
  state: HydrateState | undefined,
  tree: ReadonlyMap<string, TreeEntry>
): string[] {
  const owned = state?.paths[dir]
  if (owned)
    return owned.files
      .filter(name => name !== METADATA_FILE && name !== 'README.md')
      .map(name => `${dir}/${name}`)
  const manifest = `${dir}/manifest.yaml`
  if (tree.has(manifest)) return [manifest]
  return [...tree.keys()].filter(file => path.posix.dirname(file) === dir && file.endsWith('.yaml'))
}

/**
 * The rendered diff between an environment branch (base) and its promotion branch (head),
 * read from the files both branches hold, never rendered again: one entry per owned path,
 * the same per-resource diff, masking and ignore rules as the PR comment.
 */
export async function branchReport(
  git: GitCommandManager,
  remote: RemoteState,
  environment: PromotionEnvironment,
  targets: readonly Target[],
  settings: DiffSettings
): Promise<DiffReport> {
  const sides = [environment.branch, environment.next].map(branch => ({
    tree: remote.trees.get(branch) ?? new Map<string, TreeEntry>(),
    state: remote.states.get(branch)?.state
  })) as [
    { tree: Map<string, TreeEntry>; state?: HydrateState },
    { tree: Map<string, TreeEntry>; state?: HydrateState }
  ]
  const names = new Map<string, string>()
  for (const target of targets)
    if (target.env === environment.env) names.set(target.path, target.name)
  for (const side of sides)
    for (const [dir, owned] of Object.entries(side.state?.paths ?? {}))
      if (!names.has(dir)) names.set(dir, owned.target)
  const paths = [...names.keys()].sort()
  const filesOf = new Map(
    paths.map(dir => [dir, sides.map(side => outputFiles(dir, side.state, side.tree))])
  )
  const idOf = (side: 0 | 1, file: string) => sides[side].tree.get(file)?.id
  const contents = await readBlobs(
    git,
    paths.flatMap(dir => {
      const [base, head] = filesOf.get(dir) as [string[], string[]]
      return [...base.map(f => idOf(0, f)), ...head.map(f => idOf(1, f))].filter(
        (id): id is string => id !== undefined
      )
    })
  )
  const resourcesOf = (side: 0 | 1, list: string[], name: string): Resource[] | undefined => {
    const present = list.filter(file => idOf(side, file) !== undefined)
    if (present.length === 0) return undefined
    return present.flatMap(
      file => parseManifests(contents.get(idOf(side, file) as string) ?? '', name).resources
    )
  }
  const report: TargetDiff[] = []
  for (const dir of paths) {
    const name = names.get(dir) as string
    const [baseFiles, headFiles] = filesOf.get(dir) as [string[], string[]]
    const before = resourcesOf(0, baseFiles, name)
    const after = resourcesOf(1, headFiles, name)
    if (before === undefined && after === undefined) continue
    const { resources, counts } = diffResources(before ?? [], after ?? [], settings)
    // What changes (images, selectors, sizes, rules, ports) for the promotion PR's body too.
    const highlights = before && after ? highlightChanges(before, after, settings) : []
    report.push({
      name,
      env: environment.env,
      branch: environment.branch,
      path: dir,
      status:
        before === undefined
          ? 'added'
          : after === undefined
            ? 'removed'
            : resources.length > 0
              ? 'changed'
              : 'unchanged',
      counts,
      resources,
      ...(highlights.length > 0 && resources.length > 0 ? { highlights } : {})
    })
  }
  return {
    base: remote.tips.get(environment.branch) ?? '',
    head: remote.tips.get(environment.next) ?? '',
    targets: report,
    findings: []
  }
}
