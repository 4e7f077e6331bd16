import path from 'node:path'
import { HydrateError } from '../errors.js'
import { blobId, type TreeEntry } from '../git/gitObjects.js'
import type { DryCommit } from '../git/dryCommit.js'
import { filesByDirectory, METADATA_FILE, type BranchLayout } from './layout.js'
import type { RecordedDry } from './remoteState.js'
import type { InputsNote } from './recordedInputs.js'
import { serializeState, STATE_FILE, type OwnedPath } from './state.js'

export interface FileChange {
  path: string
  change: 'added' | 'modified' | 'removed'
}

export type BranchStatus = 'created' | 'updated' | 'unchanged' | 'skipped'

/** An owned path removed because its target is gone from the config. */
export interface PrunedPath {
  path: string
  /** The target that wrote it. */
  target: string
}

export interface PlannedFile {
  mode: string
  id: string
  content?: string
}

export interface BranchPlan {
  branch: string
  status: BranchStatus
  /** Remote tip before this run, if the branch existed. */
  previous?: string
  /** The new hydrated commit (after write). */
  commit?: string
  /**
   * A new branch starts as Argo CD starts its sync branch: an empty `Initial commit for
   * <initialBranch>` (default: this branch). A promotion branch names its environment branch.
   */
  initialBranch?: string
  /** That empty initial commit (after write), when the branch was new. */
  initialCommit?: string
  changes: FileChange[]
  /** Targets whose output changed, pruned ones included. */
  changedTargets: string[]
  /** Owned paths removed because their target is gone. */
  pruned: PrunedPath[]
  /** drySha the branch recorded before this run. */
  recordedDrySha?: string
  reason?: string
  /** Internal: the full desired tree, and whether a note must be written. */
  files?: Map<string, PlannedFile>
  note: boolean
  /** With the note: each owned path's last render time (TIMINGS_REF), for shard planning. */
  timings?: Record<string, number>
  /** With the note: what each configured path's target reads (INPUTS_REF). */
  inputs?: InputsNote
}

export interface PlanInput {
  /** What this run writes to the branch (no targets: every target of the branch is gone). */
  layout: BranchLayout
  tip: string | undefined
  existing: ReadonlyMap<string, TreeEntry>
  record: RecordedDry | undefined
  /** Paths we own on the branch now (state file or config history). */
  owned: ReadonlyMap<string, OwnedPath>
  /** Every path the full config writes to this branch (a subset run renders fewer). */
  configured: ReadonlySet<string>
  prune: boolean
  /**
   * This run rendered (or proved unaffected) every target of the branch, so it may record
   * the dry commit in a note without a commit. False for a `--target` subset, and for a
   * branch whose targets are all gone.
   */
  complete: boolean
  dry: DryCommit
  algorithm: 'sha1' | 'sha256'
  /** sha256 of the inputs note a commit carries, recorded in its state file. */
  inputsDigest?: string
}

const PER_PATH_METADATA = new Set([METADATA_FILE, 'README.md'])

/** The files of a path that are its output (manifest.yaml, or one file per resource). */
const isOutput = (name: string) => !PER_PATH_METADATA.has(name)

/**
 * Did the output of a rendered path change? As Argo CD asks of manifest.yaml: a file of
 * the output is new or differs; for a path we own, also one of its former output files is
 * gone from the new output.
 */
function outputChanged(
  dir: string,
  /** The layout's files below `dir`, in layout order. */
  below: readonly string[],
  layoutFiles: ReadonlyMap<string, PlannedFile>,
  existing: ReadonlyMap<string, TreeEntry>,
  owned: OwnedPath | undefined
): boolean {
  const prefix = `${dir}/`
  const names = new Set<string>()
  for (const file of below) {
    if (!isOutput(file.slice(prefix.length))) continue
    const entry = layoutFiles.get(file) as PlannedFile
    names.add(file.slice(prefix.length))
    const before = existing.get(file)
    if (!before || before.id !== entry.id || before.mode !== entry.mode) return true
  }
  return !!owned && owned.files.some(name => isOutput(name) && !names.has(name))
}

/**
 * Pure: the next tree of one branch, and whether it is committed. Starts from the branch as
 * it is; nothing we do not own is touched. As Argo CD's hydrator does (ADR 0004): a path's
 * files (manifest, hydrator.metadata, README.md) are rewritten only when its output
 * changes, and a commit is made only when some output changes or an owned path is pruned;
 * otherwise only the note moves.
 */
export function planBranch(input: PlanInput): BranchPlan {
  const { layout, existing, owned, dry, record } = input
  const branch = layout.branch
  const rendered = new Set(layout.targets.map(t => t.target.path))
  const files = new Map<string, PlannedFile>(existing)
  const paths: Record<string, OwnedPath> = {}
  const pruned: PrunedPath[] = []
  for (const [dir, entry] of owned) {
    if (rendered.has(dir)) continue
    if (input.configured.has(dir) || !input.prune) {
      paths[dir] = entry // another target's (subset run) or prune: false: byte for byte
      continue
    }
    for (const file of entry.files) files.delete(`${dir}/${file}`)
    pruned.push({ path: dir, target: entry.target })
  }
  pruned.sort((a, b) => (a.path < b.path ? -1 : 1))

  const planned = new Map<string, PlannedFile>()
  for (const [file, content] of layout.files) {
    if (file === STATE_FILE) continue
    planned.set(
      file,
      typeof content === 'string'
        ? { mode: '100644', id: blobId(content, input.algorithm), content }
        : { ...content }
    )
  }
  const changedTargets: string[] = []
  const plannedByDirectory = filesByDirectory(planned.keys())
  for (const { target } of layout.targets) {
    const previous = owned.get(target.path)
    const below = plannedByDirectory.get(target.path) ?? []
    if (!outputChanged(target.path, below, planned, existing, previous)) {
      // Unchanged: its files stay, and so does what the state says of them.
      if (previous) paths[target.path] = previous
      continue
    }
    changedTargets.push(target.name)
    for (const file of previous?.files ?? []) files.delete(`${target.path}/${file}`)
    for (const file of below) files.set(file, planned.get(file) as PlannedFile)
    paths[target.path] = layout.state.paths[target.path] as OwnedPath
  }
  changedTargets.push(...pruned.map(p => p.target))

  const commit = !input.tip || changedTargets.length > 0
  const note = commit || (input.complete && record?.noted !== dry.sha)
  const status: BranchStatus = !input.tip ? 'created' : commit ? 'updated' : 'unchanged'
  const base = {
    branch,
    status,
    previous: input.tip,
    pruned,
    recordedDrySha: record?.drySha,
    note
  }
  if (!commit) return { ...base, changes: [], changedTargets: [] }

  // Root files are Argo CD's, rewritten with every commit (as its hydrator does).
  for (const [file, entry] of planned) if (!file.includes('/')) files.set(file, entry)
  const inputs = input.inputsDigest ? { inputs: input.inputsDigest } : {}
  const state = serializeState({ ...layout.state, paths, ...inputs })
  files.set(STATE_FILE, { mode: '100644', id: blobId(state, input.algorithm), content: state })
  assertNoFileDirectoryClash(branch, files, layout.files)

  const changes: FileChange[] = []
  for (const [file, entry] of files) {
    const before = existing.get(file)
    if (!before) changes.push({ path: file, change: 'added' })
    else if (before.id !== entry.id || before.mode !== entry.mode)
      changes.push({ path: file, change: 'modified' })
  }
  for (const file of existing.keys())
    if (!files.has(file)) changes.push({ path: file, change: 'removed' })
  changes.sort((a, b) => (a.path < b.path ? -1 : 1))
  return { ...base, changes, changedTargets, files }
}

/**
 * A file of ours where someone else's directory is, or the reverse, would silently replace
 * theirs: refuse before anything is written.
 */
function assertNoFileDirectoryClash(
  branch: string,
  files: ReadonlyMap<string, PlannedFile>,
  ours: ReadonlyMap<string, unknown>
): void {
  const directories = new Map<string, string>()
  for (const file of files.keys()) {
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) {
      if (directories.has(dir)) break
      directories.set(dir, file)
    }
  }
  for (const file of files.keys()) {
    const inside = directories.get(file)
    if (inside === undefined) continue
    const [mine, theirs] = ours.has(file) ? [file, inside] : [inside, file]
    throw new HydrateError(
      `${branch}: cannot write ${mine}: ${theirs} is in the way, and hydrate does not own it; move it or choose another path`
    )
  }
}
