import type { Target } from '../config/types.js'
import { getErrorMessage } from '../errors.js'
import { parseManifests } from '../manifests/parse.js'
import type { Resource } from '../manifests/resource.js'
import { resourceFileName } from './layout.js'

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/**
 * A target's resources as its branch holds them, parsed as a render's output is: the
 * `manifest.yaml`, or for `layout: resources` the per-resource files in file-name order (the
 * order they have on the branch). A string says why they cannot stand for a render.
 */
export function resourcesFromBranch(
  target: Target,
  /** The path's manifest files (relative to the path) → their content. */
  files: ReadonlyMap<string, string | undefined>
): Resource[] | string {
  const names = [...files.keys()].sort(byBytes)
  if (names.some(name => files.get(name) === undefined)) return 'a file of its output is missing'
  if (target.layout === 'manifest' && (names.length !== 1 || names[0] !== 'manifest.yaml'))
    return `its output is not one manifest.yaml (${names.join(', ') || 'no file'})`
  let parsed: ReturnType<typeof parseManifests>
  try {
    parsed = parseManifests(
      names.map(name => ({ text: files.get(name) as string, origin: name })),
      target.name
    )
  } catch (error) {
    return `its output does not parse (${getErrorMessage(error)})`
  }
  if (parsed.problems.length > 0) return 'its output has documents a render would leave out'
  const { resources } = parsed
  if (target.layout === 'resources') {
    // generateName objects are numbered in render order, which per-resource files do not keep.
    if (resources.some(r => r.generateName !== undefined))
      return 'its per-resource files hold generateName objects, numbered by a render order the files do not keep'
    const fileOf = resources.map(resourceFileName)
    if (fileOf.length !== names.length || fileOf.some((file, i) => file !== names[i]))
      return 'its per-resource files are not one resource each under its own name'
  }
  return resources
}

/**
 * Each resource's object with its keys in the order of its hydrated bytes (`yaml`), as a
 * branch holds it: a tool's own key order (a helm template's, a plain file's) is not kept
 * on the branch, so both ways of getting a base, and the head, compare in this order.
 */
export function asHydrated(target: Target, resources: readonly Resource[]): Resource[] {
  return resources.map(resource => {
    const [again] = parseManifests(resource.yaml, target.name).resources
    return again ? { ...resource, object: again.object } : resource
  })
}

/**
 * The order a diff compares a target's resources in: a render's order, except with
 * `layout: resources`, whose branch keeps only the files' names. Both ways of getting a
 * base (a render, or its branch) then give the same diff.
 */
export function diffOrder(target: Target, resources: readonly Resource[]): Resource[] {
  if (target.layout !== 'resources') return [...resources]
  return resources
    .map(resource => ({ resource, file: resourceFileName(resource) }))
    .sort((a, b) => byBytes(a.file, b.file))
    .map(({ resource }) => resource)
}
