import type { HydrateConfig, Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { resolveCommit } from '../git/revisions.js'
import type { Logger } from '../logger.js'
import type { RenderedTarget } from '../render/index.js'
import type { Toolbox } from '../render/tools.js'
import { affectedTargets, changedFiles } from '../targets/affected.js'
import type { Obj } from '../targets/dependencies.js'
import type { BranchState, BranchWriter } from './branchWriter.js'
import { METADATA_FILE } from './layout.js'

export interface Selection {
  /** Targets to render. */
  render: Target[]
  /** Targets whose branch output stays as it is (only their metadata is rewritten). */
  reused?: RenderedTarget[]
}

/** Tool versions a target's render would record now (what its README names). */
async function expectedTools(target: Target, toolbox: Toolbox): Promise<Record<string, string>> {
  if (target.type === 'helm') return { helm: (await toolbox.helm()).version }
  if (target.type === 'kustomize') {
    const tools: Record<string, string> = { kustomize: (await toolbox.kustomize()).version }
    if (target.kustomize?.enableHelm) tools.helm = (await toolbox.helm()).version
    return tools
  }
  return {}
}

/** Tools from the per-path README line `…, rendered with helm 4.1.4, kustomize 5.7.1.` */
export function recordedTools(readme: string): Record<string, string> {
  const match = /rendered with (.+)\.\s*$/m.exec(readme)
  if (!match) return {}
  return Object.fromEntries(
    (match[1] as string).split(', ').map(part => {
      const space = part.indexOf(' ')
      return [part.slice(0, space), part.slice(space + 1)]
    })
  )
}

function sameTools(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every(k => a[k] === b[k])
}

/**
 * Incremental hydration (DESIGN §13): a target is rendered only when something it reads
 * changed since the dry commit its branch last recorded, or when the recorded state cannot be
 * trusted (no record, missing metadata, other tool versions, a config change). The others
 * keep their hydrated files.
 */
export async function selectIncremental(options: {
  config: HydrateConfig
  state: BranchState
  writer: BranchWriter
  git: GitCommandManager
  toolbox: Toolbox
  logger: Logger
  full?: boolean
  dryRemote?: string
}): Promise<Selection> {
  const { config, state, writer, git, toolbox, logger } = options
  if (options.full) return { render: config.targets }
  const reasons = new Map<string, string>()
  const candidates: Target[] = []
  const headSha = (await git.output(['rev-parse', 'HEAD'])).trim()
  const changedSince = new Map<string, Promise<string[] | 'newer' | undefined>>()
  const parsed = new Map<string, Obj | undefined>() // kustomizations, read once for all targets
  for (const target of config.targets) {
    const record = state.recorded.get(target.branch)
    const tree = state.trees.get(target.branch)
    if (!record || !tree) {
      reasons.set(target.name, `${target.branch} has no recorded hydration`)
      continue
    }
    if (!tree.has(`${target.path}/${METADATA_FILE}`) || !tree.has(`${target.path}/README.md`)) {
      reasons.set(target.name, `${target.branch}:${target.path} has no hydrated output`)
      continue
    }
    let pending = changedSince.get(record.drySha)
    if (!pending) {
      pending = (async () => {
        // The ordering guard first: it fetches the recorded commit with its history when
        // needed, where the depth-1 fetch below would hide that it descends from HEAD.
        if (record.drySha !== headSha && (await writer.isAncestor(headSha, record.drySha)))
          return 'newer'
        try {
          return await changedFiles(
            git,
            await resolveCommit(git, record.drySha, options.dryRemote ?? 'origin')
          )
        } catch {
          return undefined
        }
      })()
      changedSince.set(record.drySha, pending)
    }
    const changed = await pending
    if (changed === 'newer') {
      reasons.set(
        target.name,
        `${target.branch} is hydrated from a newer dry commit; it will be skipped`
      )
      continue
    }
    if (!changed) {
      reasons.set(
        target.name,
        `the recorded dry commit ${record.drySha.slice(0, 7)} is not available`
      )
      continue
    }
    const affected = affectedTargets(config, [target], changed, { parsed })
    const reason = affected.reasons.get(target.name)
    if (reason) reasons.set(target.name, reason)
    else candidates.push(target)
  }

  // Reuse needs the recorded commands and tool versions: one cat-file for all candidates.
  const blobIds = candidates.flatMap(t => {
    const tree = state.trees.get(t.branch)
    return [
      tree?.get(`${t.path}/${METADATA_FILE}`)?.id ?? '',
      tree?.get(`${t.path}/README.md`)?.id ?? ''
    ]
  })
  const blobs = await writer.readBlobs([...new Set(blobIds)])
  const reused: RenderedTarget[] = []
  for (const target of candidates) {
    const tree = state.trees.get(target.branch) as NonNullable<
      ReturnType<BranchState['trees']['get']>
    >
    const metadata = blobs.get(tree.get(`${target.path}/${METADATA_FILE}`)?.id ?? '')
    const readme = blobs.get(tree.get(`${target.path}/README.md`)?.id ?? '') ?? ''
    let commands: unknown
    try {
      commands = (JSON.parse(metadata ?? '{}') as { commands?: unknown }).commands
    } catch {
      commands = undefined
    }
    const tools = recordedTools(readme)
    if (!Array.isArray(commands) || !commands.every(c => typeof c === 'string')) {
      reasons.set(
        target.name,
        `${target.branch}:${target.path}/${METADATA_FILE} records no commands`
      )
      continue
    }
    if (!sameTools(tools, await expectedTools(target, toolbox))) {
      reasons.set(target.name, `tool versions changed since the last hydration`)
      continue
    }
    const files = new Map<string, { mode: string; id: string }>()
    for (const [file, entry] of tree) {
      if (!file.startsWith(`${target.path}/`)) continue
      const relative = file.slice(target.path.length + 1)
      if (relative !== METADATA_FILE && relative !== 'README.md') files.set(relative, entry)
    }
    reused.push({
      target,
      resources: [],
      problems: [],
      commands: commands as string[],
      tools,
      durationMs: 0,
      reused: files
    })
  }
  for (const [name, reason] of reasons) logger.debug(`render ${name}: ${reason}`)
  return { render: config.targets.filter(t => reasons.has(t.name)), reused }
}
