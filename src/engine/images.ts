import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { BranchPlan } from '../hydrate/plan.js'
import { inspectRemote, type RemoteState } from '../hydrate/remoteState.js'
import {
  imagesOf,
  imagesOnBranches,
  resourcesInFolders,
  resourcesOnBranches,
  type BranchResources,
  type BranchTree,
  type ImageListing
} from '../images/branchImages.js'
import {
  containerImages,
  imageChanges,
  type ContainerImage,
  type ImageChange
} from '../images/containerImages.js'
import { countResourceChanges, type ResourceCounts } from '../manifests/resourceChanges.js'
import { loadTargets, renderRepository, type EngineOptions } from './render.js'
import { withRemoteGit, type RemoteGitOptions } from './remoteGit.js'

export type { ImageListing } from '../images/branchImages.js'

export interface ImagesOptions extends EngineOptions, Omit<RemoteGitOptions, 'repoRoot'> {
  /** Read the environment branches (what Argo CD syncs), or render the working tree. */
  from: 'branches' | 'render'
}

/** Every container image per environment, target, resource and container (`hydrate images`). */
export async function listImages(options: ImagesOptions): Promise<ImageListing> {
  if (options.from === 'render') {
    const render = await renderRepository(options)
    return {
      images: render.rendered.flatMap(r => containerImages(r.target, r.resources)),
      unread: render.failures.map(f => ({ target: f.target.name, reason: f.error.message }))
    }
  }
  return withRemoteGit(options, async git => {
    const config = await loadTargets(options)
    const branches = [...new Set(config.targets.map(t => t.environmentBranch ?? t.branch))]
    const remote = await inspectRemote(git, {
      remote: options.remote ?? 'origin',
      branches,
      logger: options.logger
    })
    return imagesOnBranches(git, config.targets, remote.trees)
  })
}

export interface PushedImages {
  /** With `all`: the images of every target on the branches after the push. */
  images?: ContainerImage[]
  /** What the push changed, per environment (only changed targets are read). */
  changes: ImageChange[]
  /** Per written branch: the resources the push added, modified and removed. */
  resources: Record<string, ResourceCounts>
}

/**
 * The images on the branches a push wrote, before and after it (the push summary's "what
 * changed"), and from the same reading the resources each branch's push changed.
 */
export async function pushedImages(
  git: GitCommandManager,
  targets: readonly Target[],
  plans: readonly BranchPlan[],
  before: RemoteState,
  all: boolean
): Promise<PushedImages> {
  const after = new Map<string, BranchTree>(before.trees)
  for (const plan of plans) if (plan.commit && plan.files) after.set(plan.branch, plan.files)
  // The branch written (a promotion branch with promotion:), not the one Argo CD syncs yet.
  const written = targets.map(t => ({ ...t, environmentBranch: undefined }))
  const changedTargets = new Set(plans.filter(p => p.commit).flatMap(p => p.changedTargets))
  const changed = written.filter(t => changedTargets.has(t.name))
  const pruned = plans.filter(p => p.commit && p.pruned.length > 0)
  const [was, now, prunedCounts] = await Promise.all([
    resourcesOnBranches(git, changed, before.trees),
    resourcesOnBranches(git, all ? written : changed, after),
    Promise.all(
      pruned.map(async p => {
        const folders = p.pruned.map(x => x.path)
        return [
          p.branch,
          await resourcesInFolders(git, before.trees.get(p.branch), folders)
        ] as const
      })
    )
  ])
  const wasImages = imagesOf(was).images
  const nowImages = imagesOf(now).images
  return {
    images: all ? nowImages : undefined,
    changes: imageChanges(
      wasImages,
      nowImages.filter(i => changedTargets.has(i.target))
    ),
    resources: resourcesChanged(plans, was.outputs, now.outputs, new Map(prunedCounts))
  }
}

/** Per branch, the changed targets' resources compared (a target without output has none), and the pruned. */
function resourcesChanged(
  plans: readonly BranchPlan[],
  was: readonly BranchResources[],
  now: readonly BranchResources[],
  /** Per branch: the resources of each pruned folder, all removed. */
  pruned: ReadonlyMap<string, ReadonlyMap<string, number>>
): Record<string, ResourceCounts> {
  const of = (outputs: readonly BranchResources[], branch: string, target: string) =>
    outputs.find(o => o.branch === branch && o.target.name === target)?.resources ?? []
  const counts: Record<string, ResourceCounts> = {}
  for (const plan of plans) {
    const total: ResourceCounts = { added: 0, modified: 0, removed: 0 }
    if (plan.commit)
      for (const target of plan.changedTargets) {
        const c = countResourceChanges(of(was, plan.branch, target), of(now, plan.branch, target))
        total.added += c.added
        total.modified += c.modified
        total.removed += c.removed
      }
    for (const removed of pruned.get(plan.branch)?.values() ?? []) total.removed += removed
    counts[plan.branch] = total
  }
  return counts
}
