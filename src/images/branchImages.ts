import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { readBlobs } from '../git/objects.js'
import { resourcesFromBranch } from '../hydrate/branchOutput.js'
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

/**
 * The images each target's output holds on the branch Argo CD syncs it from (its environment
 * branch with promotion), read from `trees` in one `git cat-file --batch`.
 */
export async function imagesOnBranches(
  git: GitCommandManager,
  targets: readonly Target[],
  trees: ReadonlyMap<string, BranchTree>
): Promise<ImageListing> {
  const outputs = targets.map(target => {
    const branch = target.environmentBranch ?? target.branch
    const tree = trees.get(branch)
    return { target, branch, files: tree ? outputFiles(target, tree) : undefined }
  })
  const blobs = await readBlobs(
    git,
    outputs.flatMap(o => [...(o.files?.values() ?? [])])
  )
  const result: ImageListing = { images: [], unread: [] }
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
    else result.images.push(...containerImages(target, resources))
  }
  return result
}
