import path from 'node:path'
import type { JsonObject as Obj } from '../manifests/resource.js'

// What a target reads, and the questions a change asks of it (does it reach the target, could
// it change what the target reads). dependencyIndex.ts computes it.

/**
 * What a target reads: repo-relative files and directories (a change below a directory
 * counts). `unresolved` says why the index cannot tell (remote bases, remote charts,
 * unparseable files): such a target is always treated as affected.
 */
export interface TargetDependencies {
  files: Set<string>
  directories: Set<string>
  unresolved: string[]
  /**
   * Remote charts not pinned to an exact version (or an OCI digest): what they render may
   * change without any change to the repository, so the target is always affected. A pinned
   * remote chart is an immutable input, changed only through the file that names it.
   */
  unpinned: string[]
  /** References that leave the repository (absolute or `..`), as written: `dir: field ref`. */
  outside: Reference[]
  /** Remote bases and charts kustomize would fetch. */
  remote: Reference[]
  /** Settings no render may use (a helm home: plugins would run). */
  refused: Reference[]
  /** Repo-relative kustomization files read, in visiting order. */
  kustomizations: string[]
  /**
   * What the index read to find the rest (kustomization and plugin config files, whole
   * chart directories): a change to one of these may change the dependencies themselves.
   */
  structure: { files: Set<string>; directories: Set<string> }
}

/** A path or URL a kustomization names, with where it is named. */
export interface Reference {
  /** Repo-relative directory of the kustomization that names it. */
  dir: string
  field: string
  ref: string
  /** Why it is refused (`refused` only); default: a helm home. */
  why?: string
}

export type { Obj }

/**
 * Does a change to `file` (a path from `git diff`) reach the target? Yes when it is a file
 * the target reads, lies in a directory it reads, or is a symlink (or file turned directory)
 * on the way to one of them.
 */
export function dependsOn(deps: TargetDependencies, file: string): boolean {
  if (deps.files.has(file)) return true
  for (const dir of deps.directories)
    if (dir === '' || file === dir || file.startsWith(`${dir}/`)) return true
  const below = `${file}/`
  for (const dep of deps.files) if (dep.startsWith(below)) return true
  for (const dir of deps.directories) if (dir.startsWith(below)) return true
  return false
}

/**
 * Could a change to `file` make the target read something else? When it reaches what the
 * index read to find the dependencies (kustomizations, plugin configs, charts), anything the
 * target reads (a symlink on the way, a missing file that appears, a file turned directory),
 * or a directory the index looked for a kustomization file in. Errs toward yes.
 */
export function mayChangeDependencies(deps: TargetDependencies, file: string): boolean {
  if (changesStructure(deps, file) || dependsOn(deps, file)) return true
  for (const dep of deps.files) if (file.startsWith(`${dep}/`)) return true
  const parent = path.posix.dirname(file)
  const dir = parent === '.' ? '' : parent
  for (const structure of deps.structure.files)
    if (path.posix.dirname(structure) === (dir || '.')) return true
  return false
}

/** Does a change to `file` reach what the index read to find a target's dependencies? */
export function changesStructure(deps: TargetDependencies, file: string): boolean {
  if (deps.structure.files.has(file)) return true
  for (const dir of deps.structure.directories)
    if (dir === '' || file === dir || file.startsWith(`${dir}/`)) return true
  return false
}
