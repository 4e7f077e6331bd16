import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { readBlobs } from '../git/objects.js'
import { resourcesFromBranch } from '../hydrate/branchOutput.js'
import { parseManifests } from '../manifests/parse.js'
import type { Resource } from '../manifests/resource.js'
import { containerImages, type ContainerImage } from './containerImages.js'

/** A branch's tree: path → blob id. */
export type BranchTree = ReadonlyMap<string, { id: string }>

/** Images found, and the targets whose images could not be read (and why). */
export interface ImageListing {
  images: ContainerImage[]
  unread: Array<{ target: string; branch?: string; reason: string }>
}

/** The files of a target's output on its branch (`manifest.yaml`, or one per resource). */
function outputFiles(target: Target, tree: BranchTree): Map<string, string> {
  const prefix = target.path === '' || target.path === '.' ? '' : `${target.path}/`
  const files = new Map<string, string>()
  for (const [file, entry] of tree) {
    if (!file.startsWith(prefix)) continue
    const name = file.slice(prefix.length)
    if (name.includes('/')) continue
    if (target.layout === 'manifest' ? name === 'manifest.yaml' : name.endsWith('.yaml'))
      files.set(name, entry.id)
  }
  return files
}

/** A target's resources as a branch holds them (unread: the target is in `unread`). */
export interface BranchResources {
  target: Target
  branch: string
  resources: Resource[]
}

/**
 * Each target's resources on the branch Argo CD syncs it from (its environment branch with
 * promotion), read from `trees` in one `git cat-file --batch`.
 */
export async function resourcesOnBranches(
  git: GitCommandManager,
  targets: readonly Target[],
  trees: ReadonlyMap<string, BranchTree>
): Promise<{ outputs: BranchResources[]; unread: ImageListing['unread'] }> {
  const outputs = targets.map(target => {
    const branch = target.environmentBranch ?? target.branch
    const tree = trees.get(branch)
    return { target, branch, files: tree ? outputFiles(target, tree) : undefined }
  })
  const blobs = await readBlobs(
    git,
    outputs.flatMap(o => [...(o.files?.values() ?? [])])
  )
  const result: { outputs: BranchResources[]; unread: ImageListing['unread'] } = {
    outputs: [],
    unread: []
  }
  for (const { target, branch, files } of outputs) {
    if (!files) {
      result.unread.push({ target: target.name, branch, reason: `branch ${branch} does not exist` })
      continue
    }
    if (files.size === 0) {
      result.unread.push({ target: target.name, branch, reason: `no output at ${target.path}` })
      continue
    }
    const resources = resourcesFromBranch(
      target,
      new Map([...files].map(([name, id]) => [name, blobs.get(id)]))
    )
    if (typeof resources === 'string')
      result.unread.push({ target: target.name, branch, reason: resources })
    else result.outputs.push({ target, branch, resources })
  }
  return result
}

/** The images of what `resourcesOnBranches` read. */
export function imagesOf(read: Awaited<ReturnType<typeof resourcesOnBranches>>): ImageListing {
  return {
    images: read.outputs.flatMap(o => containerImages(o.target, o.resources)),
    unread: read.unread
  }
}

/** The images each target's output holds on the branch Argo CD syncs it from. */
export async function imagesOnBranches(
  git: GitCommandManager,
  targets: readonly Target[],
  trees: ReadonlyMap<string, BranchTree>
): Promise<ImageListing> {
  return imagesOf(await resourcesOnBranches(git, targets, trees))
}

/**
 * How many resources each folder holds on a branch: the output of a pruned target, which no
 * target definition is left to read it by (its layout is unknown: every `.yaml` file counts).
 */
export async function resourcesInFolders(
  git: GitCommandManager,
  tree: BranchTree | undefined,
  folders: readonly string[]
): Promise<Map<string, number>> {
  const files = new Map(
    folders.map(folder => {
      const prefix = folder === '' || folder === '.' ? '' : `${folder}/`
      const ids = [...(tree ?? [])]
        .filter(([file]) => file.startsWith(prefix) && file.endsWith('.yaml'))
        .filter(([file]) => !file.slice(prefix.length).includes('/'))
        .map(([, entry]) => entry.id)
      return [folder, ids] as const
    })
  )
  const blobs = await readBlobs(git, [...files.values()].flat())
  const counts = new Map<string, number>()
  for (const [folder, ids] of files) {
    try {
      const sources = ids.map(id => ({ text: blobs.get(id) ?? '' }))
      counts.set(folder, parseManifests(sources, folder).resources.length)
    } catch {
      counts.set(folder, 0)
    }
  }
  return counts
}
