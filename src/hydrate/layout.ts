import { GITATTRIBUTES, pathMetadata, pathReadme, rootMetadata } from '../argo/files.js'
import type { Target } from '../config/types.js'
import { ManifestError } from '../errors.js'
import type { DryCommit } from '../git/dryCommit.js'
import { serializeManifests } from '../manifests/parse.js'
import type { Resource } from '../manifests/resource.js'
import type { RenderedTarget } from '../render/index.js'
import { serializeState, STATE_FILE, type HydrateState, type OwnedPath } from './state.js'

/** A file kept as it is on the branch (incremental hydration): its blob, not its bytes. */
export interface ExistingBlob {
  mode: string
  id: string
}

/** File path inside the branch → content (or an existing blob). Paths use `/`, keys are sorted. */
export type BranchFiles = Map<string, string | ExistingBlob>

export interface BranchLayout {
  branch: string
  files: BranchFiles
  /** Targets written to this branch, in path order. */
  targets: RenderedTarget[]
  /** What these targets own (also in `files` as hydrate.state.json). */
  state: HydrateState
}

export const METADATA_FILE = 'hydrator.metadata'
export { GITATTRIBUTES, pathMetadata, pathReadme, rootMetadata } from '../argo/files.js'

/** `layout: resources`: `<namespace>-<kind>-<name>.yaml` (namespaced) or `<kind>-<name>.yaml`, lower-case. */
export function resourceFileName(resource: Resource): string {
  const parts = resource.namespace
    ? [resource.namespace, resource.kind, resource.name]
    : [resource.kind, resource.name]
  return `${parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '_')}.yaml`
}

function targetFiles(
  dry: DryCommit,
  rendered: RenderedTarget
): Array<[string, string | ExistingBlob]> {
  const { target, resources } = rendered
  const files: Array<[string, string | ExistingBlob]> = [
    [`${target.path}/${METADATA_FILE}`, pathMetadata(dry, rendered.commands)],
    [`${target.path}/README.md`, pathReadme(dry, rendered.commands)]
  ]
  if (rendered.reused) {
    // Unaffected since the last hydration: its files stay as they are (planBranch).
    for (const [file, entry] of rendered.reused) files.push([`${target.path}/${file}`, entry])
    return files
  }
  for (const [name, content] of manifestFiles(target, resources))
    files.push([`${target.path}/${name}`, content])
  return files
}

/**
 * The manifest files a target writes into its path (its metadata and README aside), relative
 * to the path: `manifest.yaml`, or one file per resource with `layout: resources`.
 */
export function manifestFiles(
  target: Target,
  resources: readonly Resource[]
): Array<[string, string]> {
  if (target.layout === 'manifest') return [['manifest.yaml', serializeManifests(resources)]]
  const owners = new Map<string, string>()
  const files: Array<[string, string]> = []
  for (const resource of resources) {
    const name = resourceFileName(resource)
    const other = owners.get(name)
    if (other)
      throw new ManifestError(
        target.name,
        `resources ${other} and ${resource.id} map to the same file ${name}; use layout: manifest`
      )
    owners.set(name, resource.id)
    files.push([name, resource.yaml])
  }
  return files.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

function sortedMap(entries: Array<[string, string | ExistingBlob]>): BranchFiles {
  return new Map(entries.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))))
}

/**
 * Each directory that holds some of `files` (at any depth) → those files, in their order:
 * the files below a target's path without testing every file of the branch per target.
 */
export function filesByDirectory(files: Iterable<string>): Map<string, string[]> {
  const byDirectory = new Map<string, string[]>()
  for (const file of files) {
    for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) {
      const directory = file.slice(0, slash)
      const list = byDirectory.get(directory)
      if (list) list.push(file)
      else byDirectory.set(directory, [file])
    }
  }
  return byDirectory
}

/** The state entry of each target: the files it wrote in its path, tools and commands. */
function stateOf(
  dry: DryCommit,
  targets: readonly RenderedTarget[],
  entries: ReadonlyArray<[string, string | ExistingBlob]>
): HydrateState {
  const paths: Record<string, OwnedPath> = {}
  const byDirectory = filesByDirectory(entries.map(([file]) => file))
  for (const rendered of targets) {
    const prefix = `${rendered.target.path}/`
    paths[rendered.target.path] = {
      target: rendered.target.name,
      drySha: dry.sha,
      files: (byDirectory.get(rendered.target.path) ?? [])
        .map(file => file.slice(prefix.length))
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
      tools: { ...rendered.tools },
      commands: [...rendered.commands]
    }
  }
  return { version: 1, drySha: dry.sha, paths }
}

/** A branch's layout for `targets` (none: a branch whose targets are all gone). */
export function branchLayout(
  dry: DryCommit,
  branch: string,
  targets: RenderedTarget[]
): BranchLayout {
  const entries: Array<[string, string | ExistingBlob]> = [
    ['.gitattributes', GITATTRIBUTES],
    [METADATA_FILE, rootMetadata(dry)],
    ...targets.flatMap(t => targetFiles(dry, t))
  ]
  const state = stateOf(dry, targets, entries)
  entries.push([STATE_FILE, serializeState(state)])
  return { branch, files: sortedMap(entries), targets, state }
}

/**
 * Pure: rendered targets → the files of each environment branch (docs/output-layout.md). The same
 * inputs always give the same bytes.
 */
export function buildBranchLayouts(
  dry: DryCommit,
  rendered: readonly RenderedTarget[]
): BranchLayout[] {
  const byBranch = new Map<string, RenderedTarget[]>()
  for (const item of rendered) {
    const list = byBranch.get(item.target.branch) ?? []
    list.push(item)
    byBranch.set(item.target.branch, list)
  }
  return [...byBranch.keys()].sort().map(branch =>
    branchLayout(
      dry,
      branch,
      (byBranch.get(branch) ?? []).sort((a, b) => (a.target.path < b.target.path ? -1 : 1))
    )
  )
}
