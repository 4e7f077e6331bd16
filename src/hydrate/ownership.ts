import path from 'node:path'
import { CONFIG_FILE_NAMES } from '../config/expand.js'
import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { TreeEntry } from '../git/gitObjects.js'
import { readBlobs, type Ancestry } from '../git/objects.js'
import { resolveCommit } from '../git/revisions.js'
import { METADATA_FILE } from './layout.js'
import type { RemoteState } from './remoteState.js'
import type { OwnedPath } from './state.js'

/** The targets of the config at a dry commit, or undefined when it cannot be read. */
export type TargetsAt = (drySha: string) => Promise<readonly Target[] | undefined>

/**
 * What a branch without a state file says we own (written before state files existed):
 * the files we write in each path that the config at its recorded dry commit gave it.
 * `layout: resources` wrote one `*.yaml` per resource, so those count for such a path.
 */
export function legacyPaths(
  targets: readonly Target[],
  branch: string,
  tree: ReadonlyMap<string, TreeEntry>
): Map<string, { target: string; files: string[] }> {
  const owned = new Map<string, { target: string; files: string[] }>()
  for (const target of targets) {
    if (target.branch !== branch || owned.has(target.path)) continue
    const prefix = `${target.path}/`
    const files = [...tree.keys()]
      .filter(file => file.startsWith(prefix))
      .map(file => file.slice(prefix.length))
      .filter(
        name =>
          name === METADATA_FILE ||
          name === 'README.md' ||
          (target.layout === 'manifest'
            ? name === 'manifest.yaml'
            : !name.includes('/') && path.posix.extname(name) === '.yaml')
      )
    if (files.length > 0) owned.set(target.path, { target: target.name, files: files.sort() })
  }
  return owned
}

/**
 * Ownership per branch (ADR 0008): its state file; else what the config at its recorded dry
 * commit produced there; else nothing (a branch someone else wrote: we only add our files).
 */
export class Ownership {
  private readonly configs = new Map<string, Promise<readonly Target[] | undefined>>()

  constructor(
    private readonly git: GitCommandManager,
    private readonly targetsAt: TargetsAt,
    /** The dry commit being hydrated and its full config (no need to read it again). */
    private readonly current: { drySha: string; targets: readonly Target[] }
  ) {}

  /** Paths we own on `branch`. */
  async of(branch: string, remote: RemoteState): Promise<Map<string, OwnedPath>> {
    const state = remote.states.get(branch)
    if (state) return new Map(Object.entries(state.state.paths))
    const tree = remote.trees.get(branch)
    const record = remote.recorded.get(branch)
    if (!tree || !record) return new Map()
    const paths = legacyPaths((await this.config(record.drySha)) ?? [], branch, tree)
    if (paths.size === 0) return new Map()
    // The per-path metadata (Argo CD's JSON) says which dry commit and commands wrote it.
    const metadataId = (dir: string) => tree.get(`${dir}/${METADATA_FILE}`)?.id
    const contents = await readBlobs(
      this.git,
      [...paths.keys()].map(metadataId).filter((id): id is string => id !== undefined)
    )
    const owned = new Map<string, OwnedPath>()
    for (const [dir, { target, files }] of paths) {
      let metadata: { drySha?: unknown; commands?: unknown } = {}
      try {
        metadata = JSON.parse(contents.get(metadataId(dir) ?? '') ?? '{}') as typeof metadata
      } catch {
        metadata = {}
      }
      owned.set(dir, {
        target,
        drySha: typeof metadata.drySha === 'string' ? metadata.drySha : record.drySha,
        files,
        tools: {}, // unknown: such a path is rendered again before it is reused
        commands: Array.isArray(metadata.commands)
          ? metadata.commands.filter((c): c is string => typeof c === 'string')
          : []
      })
    }
    return owned
  }

  private config(drySha: string): Promise<readonly Target[] | undefined> {
    if (drySha === this.current.drySha) return Promise.resolve(this.current.targets)
    let targets = this.configs.get(drySha)
    if (!targets) {
      targets = this.targetsAt(drySha)
      this.configs.set(drySha, targets)
    }
    return targets
  }
}

/**
 * Branches the config wrote at the dry commits the current branches record, and writes no
 * more: retired environments, found even when someone committed on top of our last commit
 * there (its tip then carries no note). Only a range that deletes files or changes the
 * config can retire a branch, so only then is the older config read.
 */
export async function formerBranches(options: {
  git: GitCommandManager
  remote: RemoteState
  /** The branches of the current config. */
  branches: readonly string[]
  configFile: string | undefined
  ancestry: Ancestry
  targetsAt: TargetsAt
}): Promise<string[]> {
  const { git } = options
  const current = new Set(options.branches)
  const configFiles = options.configFile ? [options.configFile] : CONFIG_FILE_NAMES
  // The branch's recorded commit and its paths' own (older after a --target run).
  const recorded = new Set(
    options.branches
      .flatMap(branch => [
        options.remote.recorded.get(branch)?.drySha,
        ...Object.values(options.remote.states.get(branch)?.state.paths ?? {}).map(
          owned => owned.drySha
        )
      ])
      .filter((sha): sha is string => sha !== undefined)
  )
  if (recorded.size === 0) return [] // nothing hydrated yet (no git process spent)
  const headSha = (await git.output(['rev-parse', 'HEAD'])).trim()
  recorded.delete(headSha)
  const found = new Set<string>()
  for (const drySha of recorded) {
    if (await options.ancestry.isAncestor(headSha, drySha)) continue // newer: skipped anyway
    let commit: string
    try {
      commit = await resolveCommit(git, drySha, 'origin')
    } catch {
      continue
    }
    const fields = (
      await git.output(['diff', '--name-status', '-z', '--no-renames', commit, headSha])
    ).split('\0')
    let retiring = false
    for (let i = 0; i + 1 < fields.length && !retiring; i += 2)
      retiring = fields[i] === 'D' || configFiles.includes(fields[i + 1] as string)
    if (!retiring) continue
    for (const target of (await options.targetsAt(drySha)) ?? [])
      if (!current.has(target.branch)) found.add(target.branch)
  }
  return [...found].sort()
}
