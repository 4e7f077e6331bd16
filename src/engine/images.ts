import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { BranchPlan } from '../hydrate/plan.js'
import { inspectRemote, type RemoteState } from '../hydrate/remoteState.js'
import { imagesOnBranches, type BranchTree, type ImageListing } from '../images/branchImages.js'
import {
  containerImages,
  imageChanges,
  type ContainerImage,
  type ImageChange
} from '../images/containerImages.js'
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
}

/** The images on the branches a push wrote, before and after it (the push summary's "what changed"). */
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
  const [was, now] = await Promise.all([
    imagesOnBranches(git, changed, before.trees),
    imagesOnBranches(git, all ? written : changed, after)
  ])
  return {
    images: all ? now.images : undefined,
    changes: imageChanges(
      was.images,
      now.images.filter(i => changedTargets.has(i.target))
    )
  }
}
