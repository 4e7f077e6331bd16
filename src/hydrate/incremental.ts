import type { HydrateConfig, Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { Ancestry } from '../git/objects.js'
import { resolveCommit } from '../git/revisions.js'
import type { Logger } from '../logger.js'
import type { RenderedTarget } from '../render/index.js'
import type { Toolbox } from '../render/tools.js'
import { nestedKustomizations } from '../sources/directory.js'
import { affectedTargets, changedFiles } from '../targets/affected.js'
import type { Obj } from '../targets/dependencies.js'
import { METADATA_FILE } from './layout.js'
import type { RecordedDry, RemoteState } from './remoteState.js'
import type { HydrateState, OwnedPath } from './state.js'

export interface Selection {
  /** Targets to render. */
  render: Target[]
  /** Targets whose branch output stays as it is (only their metadata is rewritten). */
  reused?: RenderedTarget[]
}

/** Tool versions a target's render would record now. */
async function expectedTools(
  repoRoot: string,
  target: Target,
  toolbox: Toolbox
): Promise<Record<string, string>> {
  if (target.type === 'helm') return { helm: (await toolbox.helm()).version }
  // A plain directory runs kustomize for its kustomization subdirectories.
  if (
    target.type === 'kustomize' ||
    nestedKustomizations(repoRoot, target.source ?? '').length > 0
  ) {
    const tools: Record<string, string> = { kustomize: (await toolbox.kustomize()).version }
    if (target.kustomize?.enableHelm) tools.helm = (await toolbox.helm()).version
    return tools
  }
  return {}
}

function sameTools(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every(k => a[k] === b[k])
}

/**
 * The dry commit a path's output is known to match. Its own drySha from the state file;
 * but a note newer than the state was written by a run that rendered or checked every
 * target of the branch without a commit, so everything matched that commit too.
 */
function verifiedAt(
  owned: OwnedPath,
  state: HydrateState,
  record: RecordedDry | undefined
): string {
  return record?.fromNote && record.drySha !== state.drySha ? record.drySha : owned.drySha
}

/**
 * Incremental hydration (docs/adr/0005): a target is rendered only when something it reads
 * changed since the dry commit its output on the branch comes from, or when the recorded
 * state cannot be trusted (no state file, files missing, other tool versions, a config
 * change). The others keep their hydrated files.
 */
export async function selectIncremental(options: {
  config: HydrateConfig
  remote: RemoteState
  ancestry: Ancestry
  git: GitCommandManager
  toolbox: Toolbox
  logger: Logger
  full?: boolean
}): Promise<Selection> {
  const { config, remote, ancestry, git, toolbox, logger } = options
  if (options.full) return { render: config.targets }
  const reasons = new Map<string, string>()
  const reused: RenderedTarget[] = []
  const headSha = (await git.output(['rev-parse', 'HEAD'])).trim()
  const newer = new Map<string, Promise<boolean>>()
  const changedSince = new Map<string, Promise<string[] | undefined>>()
  const parsed = new Map<string, Obj | undefined>() // kustomizations, read once for all targets
  for (const target of config.targets) {
    const where = `${target.branch}:${target.path}`
    const record = remote.recorded.get(target.branch)
    const state = remote.states.get(target.branch)?.state
    const tree = remote.trees.get(target.branch)
    const owned = state?.paths[target.path]
    if (!state || !tree) {
      reasons.set(target.name, `${target.branch} has no hydrate state`)
      continue
    }
    if (!owned || owned.target !== target.name) {
      reasons.set(target.name, `${where} holds no output of ${target.name}`)
      continue
    }
    if (!owned.files.every(file => tree.has(`${target.path}/${file}`))) {
      reasons.set(target.name, `${where} misses files of its output`)
      continue
    }
    // The ordering guard first: it fetches the recorded commit with its history when
    // needed, where the depth-1 fetch below would hide that it descends from HEAD.
    if (record && record.drySha !== headSha) {
      let pending = newer.get(record.drySha)
      if (!pending) {
        pending = ancestry.isAncestor(headSha, record.drySha)
        newer.set(record.drySha, pending)
      }
      if (await pending) {
        reasons.set(
          target.name,
          `${target.branch} is hydrated from a newer dry commit; it will be skipped`
        )
        continue
      }
    }
    const since = verifiedAt(owned, state, record)
    let pending = changedSince.get(since)
    if (!pending) {
      pending = resolveCommit(git, since, 'origin')
        .then(commit => changedFiles(git, commit))
        .catch(() => undefined)
      changedSince.set(since, pending)
    }
    const changed = await pending
    if (!changed) {
      reasons.set(target.name, `the recorded dry commit ${since.slice(0, 7)} is not available`)
      continue
    }
    const reason = affectedTargets(config, [target], changed, { parsed }).reasons.get(target.name)
    if (reason) {
      reasons.set(target.name, reason)
      continue
    }
    if (!sameTools(owned.tools, await expectedTools(config.repoRoot, target, toolbox))) {
      reasons.set(target.name, `tool versions changed since the last hydration`)
      continue
    }
    const files = new Map<string, { mode: string; id: string }>()
    for (const file of owned.files) {
      const entry = tree.get(`${target.path}/${file}`)
      if (entry && file !== METADATA_FILE && file !== 'README.md') files.set(file, entry)
    }
    reused.push({
      target,
      resources: [],
      problems: [],
      commands: [...owned.commands],
      tools: { ...owned.tools },
      warnings: [],
      durationMs: 0,
      reused: files
    })
  }
  for (const [name, reason] of reasons) logger.debug(`render ${name}: ${reason}`)
  return { render: config.targets.filter(t => reasons.has(t.name)), reused }
}
