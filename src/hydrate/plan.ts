import path from 'node:path'
import { HydrateError } from '../errors.js'
import { blobId, type TreeEntry } from '../git/gitObjects.js'
import type { DryCommit } from '../git/dryCommit.js'
import { METADATA_FILE, type BranchLayout } from './layout.js'
import type { RecordedDry } from './remoteState.js'
import { sameBesidesDrySha, serializeState, STATE_FILE, type OwnedPath } from './state.js'

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
  /** The previous state file's text, to tell a drySha-only change from a real one. */
  previousState?: string
  prune: boolean
  /**
   * This run rendered (or proved unaffected) every target of the branch, so it may record
   * the dry commit in a note without a commit. False for a `--target` subset, and for a
   * branch whose targets are all gone.
   */
  complete: boolean
  dry: DryCommit
  algorithm: 'sha1' | 'sha256'
}

const PER_PATH_METADATA = new Set([METADATA_FILE, 'README.md'])

/**
 * Pure: the next tree of one branch. Starts from the branch as it is; owned files of
 * rewritten or pruned paths go, this run's files come in; nothing else is touched.
 */
export function planBranch(input: PlanInput): BranchPlan {
  const { layout, existing, owned, dry, record } = input
  const branch = layout.branch
  const rendered = new Set(layout.targets.map(t => t.target.path))
  const files = new Map<string, PlannedFile>(existing)
  const kept: Record<string, OwnedPath> = {}
  const pruned: PrunedPath[] = []
  for (const [dir, entry] of owned) {
    const gone = !input.configured.has(dir)
    if (!rendered.has(dir) && (!gone || !input.prune)) {
      kept[dir] = entry // another target's (subset run) or prune: false: byte for byte
      continue
    }
    for (const file of entry.files) files.delete(`${dir}/${file}`)
    if (!rendered.has(dir)) pruned.push({ path: dir, target: entry.target })
  }
  pruned.sort((a, b) => (a.path < b.path ? -1 : 1))
  for (const [file, content] of layout.files) {
    if (file === STATE_FILE) continue
    files.set(
      file,
      typeof content === 'string'
        ? { mode: '100644', id: blobId(content, input.algorithm), content }
        : { ...content }
    )
  }
  const state = serializeState({
    ...layout.state,
    paths: { ...kept, ...layout.state.paths }
  })
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

  // ADR 0004: a dry commit that changes no manifest gets no hydrated commit, only a note.
  // Metadata counts as changed only when more than its drySha differs (commands, tools,
  // owned files), so that the recorded state catches up.
  const metadataOnly = (change: FileChange): boolean => {
    if (change.path === METADATA_FILE) return true
    if (change.change !== 'modified') return false
    if (change.path === STATE_FILE)
      return input.previousState !== undefined && sameBesidesDrySha(input.previousState, state)
    if (!PER_PATH_METADATA.has(path.posix.basename(change.path))) return false
    const dir = path.posix.dirname(change.path)
    const written = owned.get(dir)?.drySha ?? record?.treeDrySha ?? record?.drySha
    const content = files.get(change.path)?.content
    if (!written || content === undefined) return false
    return (
      blobId(content.split(dry.sha).join(written), input.algorithm) ===
      existing.get(change.path)?.id
    )
  }
  const substantive = changes.filter(c => !metadataOnly(c))
  const changedTargets = [
    ...layout.targets
      .filter(t => substantive.some(c => c.path.startsWith(`${t.target.path}/`)))
      .map(t => t.target.name),
    ...pruned.map(p => p.target)
  ]
  const commit = !input.tip || substantive.length > 0
  const status: BranchStatus = !input.tip ? 'created' : commit ? 'updated' : 'unchanged'
  const note =
    commit || (input.complete && !(record?.fromNote === true && record.drySha === dry.sha))
  return {
    branch,
    status,
    previous: input.tip,
    changes: commit ? changes : [],
    changedTargets,
    pruned,
    recordedDrySha: record?.drySha,
    files: commit ? files : undefined,
    note
  }
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
