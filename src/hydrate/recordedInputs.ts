import { createHash } from 'node:crypto'
import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { resolveCommit } from '../git/revisions.js'
import { changedFiles } from '../targets/affected.js'
import { mayChangeDependencies, type TargetDependencies } from '../targets/dependencies.js'
import { byBytes, DRY_SHA, sortKeys } from './state.js'

/**
 * Our own notes (docs/adr/0020): per hydrated branch tip, what each path's target reads, as
 * the dependency index found it at a dry commit. A pull request's diff starts from these
 * instead of reading every kustomization of the repository.
 */
export const INPUTS_REF = 'refs/notes/hydrate.inputs'

/** What one target read at one dry commit. */
export interface RecordedInputs {
  target: string
  /** The dry commit the index read. */
  drySha: string
  /** sha256 of the target's definition: another definition may read other files. */
  definition: string
  files: string[]
  directories: string[]
  kustomizations: string[]
  structure: { files: string[]; directories: string[] }
}

/** Path → what the target written there reads. */
export type InputsNote = Record<string, RecordedInputs>

const HEX = /^[0-9a-f]{64}$/
const sorted = (values: Iterable<string>) => [...new Set(values)].sort(byBytes)

/**
 * The target as the index reads it; where it is declared does not change what it reads.
 * Key order is the loader's, the same for the same config (another order only reads anew).
 */
export function definitionOf(target: Target): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...target, location: undefined }))
    .digest('hex')
}

/**
 * The record of a target's dependencies at `drySha`; undefined when the index could not tell
 * everything (unresolved, unpinned, remote or refused references): such a target is read anew.
 */
export function recordInputs(
  target: Target,
  deps: TargetDependencies,
  drySha: string
): RecordedInputs | undefined {
  if (
    deps.unresolved.length > 0 ||
    deps.unpinned.length > 0 ||
    deps.outside.length > 0 ||
    deps.remote.length > 0 ||
    deps.refused.length > 0
  )
    return undefined
  return {
    target: target.name,
    drySha,
    definition: definitionOf(target),
    files: sorted(deps.files),
    directories: sorted(deps.directories),
    kustomizations: [...deps.kustomizations],
    structure: {
      files: sorted(deps.structure.files),
      directories: sorted(deps.structure.directories)
    }
  }
}

function dependenciesOf(entry: RecordedInputs): TargetDependencies {
  return {
    files: new Set(entry.files),
    directories: new Set(entry.directories),
    unresolved: [],
    unpinned: [],
    outside: [],
    remote: [],
    refused: [],
    kustomizations: [...entry.kustomizations],
    structure: {
      files: new Set(entry.structure.files),
      directories: new Set(entry.structure.directories)
    }
  }
}

/** The note's text: one line of JSON, keys sorted, final newline. */
export function serializeInputs(note: InputsNote): string {
  return `${JSON.stringify(sortKeys({ inputs: note }))}\n`
}

/** What a branch's state file records of the inputs note written with its commit. */
export function inputsDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(v => typeof v === 'string')

/** An inputs note; entries that are not well-formed are left out (they are then read anew). */
export function parseInputs(text: string): InputsNote | undefined {
  let data: unknown
  try {
    data = (JSON.parse(text) as { inputs?: unknown } | null)?.inputs
  } catch {
    return undefined
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined
  const note: InputsNote = {}
  for (const [path, value] of Object.entries(data)) {
    const entry = value as Partial<RecordedInputs> | null
    if (
      entry &&
      typeof entry.target === 'string' &&
      typeof entry.drySha === 'string' &&
      DRY_SHA.test(entry.drySha) &&
      typeof entry.definition === 'string' &&
      HEX.test(entry.definition) &&
      isStrings(entry.files) &&
      isStrings(entry.directories) &&
      isStrings(entry.kustomizations) &&
      isStrings(entry.structure?.files) &&
      isStrings(entry.structure?.directories)
    )
      note[path] = entry as RecordedInputs
  }
  return note
}

/**
 * A branch's next note: fresh records for the targets this run rendered or checked, the tip's
 * records for the other paths the config still writes (a `--target` subset, a shard).
 */
export function nextInputsNote(
  targets: readonly Target[],
  record: (target: Target) => RecordedInputs | undefined,
  previous: InputsNote | undefined,
  configured: ReadonlySet<string>
): InputsNote {
  const note: InputsNote = {}
  for (const [path, entry] of Object.entries(previous ?? {}))
    if (configured.has(path)) note[path] = entry
  for (const target of targets) {
    const entry = record(target)
    if (entry) note[target.path] = entry
    else delete note[target.path]
  }
  return note
}

/**
 * The targets whose recorded inputs still hold at `at` (a commit; undefined: the working
 * tree): the record is of the same definition, and nothing changed from the recorded dry
 * commit to `at` could make the target read anything else. One `git diff` per recorded dry
 * commit; a commit that cannot be read leaves its targets to be read anew.
 */
export async function recordedDependencies(options: {
  git: GitCommandManager
  /** Branch → its tip's inputs note. */
  notes: ReadonlyMap<string, InputsNote>
  targets: readonly Target[]
  at?: string
  /** Where a recorded commit missing here is fetched from. */
  dryRemote: string
}): Promise<Map<string, TargetDependencies>> {
  const { git, notes, at, dryRemote } = options
  const candidates: Array<{ target: Target; entry: RecordedInputs }> = []
  for (const target of options.targets) {
    const entry = notes.get(target.branch)?.[target.path]
    if (entry?.target === target.name && entry.definition === definitionOf(target))
      candidates.push({ target, entry })
  }
  // One at a time: resolving a missing commit fetches it.
  const changedSince = new Map<string, string[] | undefined>()
  for (const sha of new Set(candidates.map(c => c.entry.drySha)))
    changedSince.set(
      sha,
      await resolveCommit(git, sha, dryRemote)
        .then(commit => changedFiles(git, commit, at))
        .catch(() => undefined)
    )
  const known = new Map<string, TargetDependencies>()
  for (const { target, entry } of candidates) {
    const changed = changedSince.get(entry.drySha)
    if (!changed) continue
    const deps = dependenciesOf(entry)
    if (!changed.some(file => mayChangeDependencies(deps, file))) known.set(target.name, deps)
  }
  return known
}
