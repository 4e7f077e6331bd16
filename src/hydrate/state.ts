/**
 * `hydrate.state.json` at a branch root: the one file of ours on a hydrated branch. It says
 * which paths we own and exactly which files we wrote in each, and what incremental
 * hydration needs beyond Argo CD's files (tool versions, commands). Never parsed from prose.
 */
export const STATE_FILE = 'hydrate.state.json'

/** A full commit id, SHA-1 or SHA-256. */
export const DRY_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/
const SHA256 = /^[0-9a-f]{64}$/

/** One path we own on the branch. */
export interface OwnedPath {
  /** The target that wrote it. */
  target: string
  /** The dry commit its files were written from. */
  drySha: string
  /** The files we wrote there, relative to the path; nothing else in it is ours. */
  files: string[]
  tools: Record<string, string>
  commands: string[]
}

export interface HydrateState {
  version: 1
  /** The dry commit of the last hydrated commit on the branch. */
  drySha: string
  /** Path → what we own there. */
  paths: Record<string, OwnedPath>
  /**
   * sha256 of the inputs note written with this commit (docs/adr/0023): notes sit outside
   * branch protection, so a note is used only when it is the one this commit vouches for.
   */
  inputs?: string
}

/** Bytewise order (Go's sort of strings), not UTF-16 code units. */
export const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** `value` with every object's keys in bytewise order, recursively (deterministic JSON). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>
    return Object.fromEntries(
      Object.keys(object)
        .sort(byBytes)
        .map(key => [key, sortKeys(object[key])])
    )
  }
  return value
}

/** Deterministic: keys sorted (bytewise), file lists sorted, two-space JSON, final newline. */
export function serializeState(state: HydrateState): string {
  const paths: Record<string, OwnedPath> = {}
  for (const [path, owned] of Object.entries(state.paths))
    paths[path] = { ...owned, files: [...owned.files].sort(byBytes) }
  return `${JSON.stringify(sortKeys({ ...state, paths }), null, 2)}\n`
}

const isString = (value: unknown): value is string => typeof value === 'string'
const isStringMap = (value: unknown): value is Record<string, string> =>
  !!value &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.values(value).every(isString)

/** Parses a state file; undefined when it is not one we can trust (then nothing is owned by it). */
export function parseState(text: string): HydrateState | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }
  const state = data as Partial<HydrateState> | null
  if (!state || state.version !== 1 || !isString(state.drySha) || typeof state.paths !== 'object')
    return undefined
  const paths: Record<string, OwnedPath> = {}
  for (const [path, entry] of Object.entries(state.paths ?? {})) {
    const owned = entry as Partial<OwnedPath> | null
    if (
      !owned ||
      !isString(owned.target) ||
      !isString(owned.drySha) ||
      !Array.isArray(owned.files) ||
      !owned.files.every(f => isString(f) && f !== '' && !f.split('/').includes('..')) ||
      !isStringMap(owned.tools) ||
      !Array.isArray(owned.commands) ||
      !owned.commands.every(isString)
    )
      return undefined
    paths[path] = {
      target: owned.target,
      drySha: owned.drySha,
      files: owned.files,
      tools: owned.tools,
      commands: owned.commands
    }
  }
  const inputs =
    typeof state.inputs === 'string' && SHA256.test(state.inputs) ? state.inputs : undefined
  return { version: 1, drySha: state.drySha, paths, ...(inputs ? { inputs } : {}) }
}
