import type { GitCommandManager } from '../git/commandManager.js'
import { parseLsTree, type TreeEntry } from '../git/gitObjects.js'
import { readBlobs } from '../git/objects.js'
import type { Logger } from '../logger.js'
import { METADATA_FILE } from './layout.js'
import { INPUTS_REF, inputsDigest, parseInputs, type InputsNote } from './recordedInputs.js'
import { DRY_SHA, parseState, STATE_FILE, type HydrateState } from './state.js'

export const NOTES_REF = 'refs/notes/hydrator.metadata'
/**
 * Our own notes: per hydrated commit, how long each path's last render took (sharding
 * balances on it). Kept out of the tree, so a wall-clock figure never changes a branch's bytes.
 */
export const TIMINGS_REF = 'refs/notes/hydrate.timings'
/** Private namespace for what we fetch and build: the user's own refs are never touched. */
const LOCAL_PREFIX = 'refs/hydrate'

/**
 * Our private ref for a branch. Flat (`/` escaped), so that branches such as `deploy` and
 * `deploy/dev` from different runs never collide as files and directories in refs/.
 */
export function localRef(kind: 'remote' | 'new', branch: string): string {
  return `${LOCAL_PREFIX}/${kind}/branch/${branch.replace(/%/g, '%25').replace(/\//g, '%2F')}`
}

export const LOCAL_NOTES = `${LOCAL_PREFIX}/remote/notes`
export const NEW_NOTES = `${LOCAL_PREFIX}/new/notes`
export const LOCAL_TIMINGS = `${LOCAL_PREFIX}/remote/timings`
export const NEW_TIMINGS = `${LOCAL_PREFIX}/new/timings`
export const LOCAL_INPUTS = `${LOCAL_PREFIX}/remote/inputs`
export const NEW_INPUTS = `${LOCAL_PREFIX}/new/inputs`

/** Path → milliseconds of its last render. */
export type RenderTimings = Record<string, number>

export interface RecordedDry {
  /**
   * The dry commit the tip's commit records (its state file, else its root metadata). It
   * decides the ordering and rollback guards: branch protection covers it, not `refs/notes/*`.
   */
  drySha: string
  /**
   * The dry commit the tip's `hydrator.metadata` note names: a hint (docs/adr/0042). A run
   * that committed nothing moves it ahead of drySha; anyone who can push notes can too.
   */
  noted?: string
  /** The dry commit the tip's files carry (root hydrator.metadata). */
  treeDrySha?: string
}

/** The newest dry commit a run says it checked the branch against (the note, a hint). */
export function lastChecked(record: RecordedDry): string {
  return record.noted ?? record.drySha
}

export interface RemoteState {
  /** Branch (or NOTES_REF) → remote tip. */
  tips: Map<string, string>
  /** Branch → its tree, path → entry. */
  trees: Map<string, Map<string, TreeEntry>>
  /** Branch → the drySha its tip records. */
  recorded: Map<string, RecordedDry>
  /** Branch → its state file, when it has one we can read. */
  states: Map<string, { state: HydrateState; text: string }>
  /** Branch → the render timings noted on its tip (TIMINGS_REF), when there are any. */
  timings?: Map<string, RenderTimings>
  /** Branch → what each path's target reads, noted on its tip (INPUTS_REF). */
  inputs?: Map<string, InputsNote>
  /** git processes spent getting this state. */
  gitProcesses: number
}

/** Our notes refs → the refspec that fetches each into our private namespace. */
const OUR_NOTES = new Map([
  [NOTES_REF, `${NOTES_REF}:${LOCAL_NOTES}`],
  [TIMINGS_REF, `${TIMINGS_REF}:${LOCAL_TIMINGS}`],
  [INPUTS_REF, `${INPUTS_REF}:${LOCAL_INPUTS}`]
])

/** The remote state of some branches: tips, trees, the drySha each records, state files. */
export async function inspectRemote(
  git: GitCommandManager,
  options: { remote: string; branches: readonly string[]; logger: Logger }
): Promise<RemoteState> {
  const start = git.processes
  const { remote, branches } = options
  const listing = await git.output([
    'ls-remote',
    '--refs',
    remote,
    ...branches.map(b => `refs/heads/${b}`),
    NOTES_REF,
    TIMINGS_REF,
    INPUTS_REF
  ])
  const tips = new Map<string, string>()
  for (const line of listing.split('\n')) {
    const [sha, ref] = line.split('\t')
    if (!sha || !ref) continue
    const key = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref
    if (OUR_NOTES.has(key) || branches.includes(key)) tips.set(key, sha)
  }
  let shallow: boolean | undefined
  const fetch = async (keys: string[]) => {
    if (keys.length === 0) return
    shallow ??= (await git.output(['rev-parse', '--is-shallow-repository'])).trim() === 'true'
    await git.exec([
      'fetch',
      '--no-tags',
      '--no-write-fetch-head',
      '--quiet',
      ...(shallow ? ['--depth=1'] : []),
      remote,
      ...keys.map(key => `+${OUR_NOTES.get(key) ?? `refs/heads/${key}:${localRef('remote', key)}`}`)
    ])
  }
  await fetch([...tips.keys()])

  // Each notes tree: commit → note blob. Its paths may be fanned out (ab/cdef…).
  const noteBlobsOf = async (ref: string, local: string) => {
    const blobs = new Map<string, string>()
    if (tips.has(ref))
      for (const [file, entry] of parseLsTree(await git.output(['ls-tree', '-r', '-z', local])))
        blobs.set(file.replace(/\//g, ''), entry.id)
    return blobs
  }
  const noteBlobs = await noteBlobsOf(NOTES_REF, LOCAL_NOTES)
  const timingBlobs = await noteBlobsOf(TIMINGS_REF, LOCAL_TIMINGS)
  const inputBlobs = await noteBlobsOf(INPUTS_REF, LOCAL_INPUTS)
  const trees = new Map<string, Map<string, TreeEntry>>()
  for (const branch of branches) {
    const tip = tips.get(branch)
    if (tip)
      trees.set(branch, parseLsTree(await git.output(['ls-tree', '-r', '-z', '--full-tree', tip])))
  }
  const read = [...trees].map(([branch, tree]) => ({
    branch,
    note: noteBlobs.get(tips.get(branch) as string),
    root: tree.get(METADATA_FILE)?.id,
    state: tree.get(STATE_FILE)?.id,
    timings: timingBlobs.get(tips.get(branch) as string),
    inputs: inputBlobs.get(tips.get(branch) as string)
  }))
  const contents = await readBlobs(
    git,
    read
      .flatMap(r => [r.note, r.root, r.state, r.timings, r.inputs])
      .filter((id): id is string => !!id)
  )
  const dryShaIn = (branch: string, id: string | undefined): string | undefined => {
    if (!id) return undefined
    try {
      const drySha = (JSON.parse(contents.get(id) ?? '{}') as { drySha?: unknown }).drySha
      return typeof drySha === 'string' && DRY_SHA.test(drySha) ? drySha : undefined
    } catch {
      options.logger.warning(
        `${branch}: its recorded hydrator metadata is not valid JSON; treating the branch as unhydrated`
      )
      return undefined
    }
  }
  const recorded = new Map<string, RecordedDry>()
  const states = new Map<string, { state: HydrateState; text: string }>()
  const timings = new Map<string, RenderTimings>()
  const inputs = new Map<string, InputsNote>()
  for (const { branch, note, root, state, timings: timingsBlob, inputs: inputsBlob } of read) {
    const timed = timingsBlob ? parseTimings(contents.get(timingsBlob) ?? '') : undefined
    if (timed) timings.set(branch, timed)
    const noted = dryShaIn(branch, note)
    const treeDrySha = dryShaIn(branch, root)
    const parsed = state ? parseState(contents.get(state) ?? '') : undefined
    const drySha = parsed && DRY_SHA.test(parsed.drySha) ? parsed.drySha : treeDrySha
    if (drySha)
      recorded.set(branch, { drySha, treeDrySha, ...(noted === undefined ? {} : { noted }) })
    const reads = vouchedInputs(
      branch,
      inputsBlob && contents.get(inputsBlob),
      parsed,
      options.logger
    )
    if (reads) inputs.set(branch, reads)
    if (!state) continue
    const text = contents.get(state) ?? ''
    if (parsed) states.set(branch, { state: parsed, text })
    else
      options.logger.warning(
        `${branch}: ${STATE_FILE} is not a state file hydrate can read; what is ours there is taken from the config at its recorded dry commit`
      )
  }
  return { tips, trees, recorded, states, timings, inputs, gitProcesses: git.processes - start }
}

/**
 * A branch's inputs note, only when its state file records this very note (docs/adr/0023):
 * anyone who can push `refs/notes/*` could otherwise make a target look unaffected. Any
 * other note is ignored, and the dependency index reads the repository as it is.
 */
function vouchedInputs(
  branch: string,
  text: string | undefined,
  state: HydrateState | undefined,
  logger: Logger
): InputsNote | undefined {
  if (text === undefined) return undefined
  if (!state?.inputs) {
    logger.debug(`${branch}: its inputs note is not recorded in ${STATE_FILE}; it is not used`)
    return undefined
  }
  if (inputsDigest(text) !== state.inputs) {
    logger.warning(
      `${branch}: its inputs note (${INPUTS_REF}) is not the one ${STATE_FILE} records; it is ignored and what each target reads is read anew`
    )
    return undefined
  }
  return parseInputs(text)
}

/** The timings note's text: `{"renderMs":{"<path>":123}}`, keys sorted, final newline. */
export function serializeTimings(timings: RenderTimings): string {
  const sorted = Object.keys(timings)
    .sort()
    .map(key => [key, timings[key]])
  return `${JSON.stringify({ renderMs: Object.fromEntries(sorted) })}\n`
}

/** A timings note; undefined when it is not one (a weight is only a hint: never an error). */
export function parseTimings(text: string): RenderTimings | undefined {
  try {
    const data = (JSON.parse(text) as { renderMs?: unknown } | null)?.renderMs
    if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined
    const timings: RenderTimings = {}
    for (const [key, value] of Object.entries(data))
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) timings[key] = value
    return timings
  } catch {
    return undefined
  }
}

/** Two inspections of one remote (the second for more branches) as one. */
export function mergeRemote(a: RemoteState, b: RemoteState): RemoteState {
  return {
    tips: new Map([...a.tips, ...b.tips]),
    trees: new Map([...a.trees, ...b.trees]),
    recorded: new Map([...a.recorded, ...b.recorded]),
    states: new Map([...a.states, ...b.states]),
    timings: new Map([...(a.timings ?? []), ...(b.timings ?? [])]),
    inputs: new Map([...(a.inputs ?? []), ...(b.inputs ?? [])]),
    gitProcesses: a.gitProcesses + b.gitProcesses
  }
}
