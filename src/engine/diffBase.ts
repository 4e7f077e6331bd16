import { ConfigError, getErrorMessage, UsageError } from '../errors.js'
import { counted } from '../plural.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { readBlobs } from '../git/objects.js'
import { resourcesFromBranch } from '../hydrate/branchOutput.js'
import { RecordedOutputs } from '../hydrate/incremental.js'
import { recordedDependencies } from '../hydrate/recordedInputs.js'
import type { RemoteState } from '../hydrate/remoteState.js'
import type { Logger } from '../logger.js'
import type { RenderedTarget } from '../render/index.js'
import type { Toolbox } from '../render/tools.js'
import type { Target } from '../config/types.js'
import type { TargetDependencies } from '../targets/dependencies.js'
import type { DependencyIndex } from '../targets/dependencyIndex.js'
import {
  loadRepository,
  type EngineOptions,
  type LoadedRepository,
  type RepositoryRender
} from './render.js'

// The base side of a diff: its load, the bases read from their environment branches where
// those hold them, what the branches noted each target reads, and a re-render merged back in.

/** The base side's load; a base whose config does not load counts as having no targets. */
export async function loadBase(options: EngineOptions): Promise<LoadedRepository | undefined> {
  try {
    return await loadRepository(options)
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      options.logger.warning(
        `the base has no usable configuration (${getErrorMessage(error)}); every head target counts as added`
      )
      return undefined
    }
    throw error
  }
}

/** The dependencies the branches' inputs notes give that still hold at `at` (ADR 0020). */
export async function notedDependencies(options: {
  state: RemoteState | undefined
  git: GitCommandManager
  targets: readonly Target[]
  at: string | undefined
  remote: string
  logger: Logger
}): Promise<Map<string, TargetDependencies> | undefined> {
  const notes = options.state?.inputs
  if (!notes || notes.size === 0) return undefined
  const known = await recordedDependencies({
    git: options.git,
    notes,
    targets: options.targets,
    at: options.at,
    dryRemote: options.remote
  })
  options.logger.info(
    `what ${known.size} of ${counted(options.targets.length, 'target')} read comes from the inputs noted on their branches`
  )
  return known
}

/**
 * The base targets whose output on their environment branch is what rendering them at the
 * merge-base would give (the check incremental push makes: recorded dry commit, nothing they
 * read changed from it to the merge-base, same tool versions), read from the branch tips in
 * one fetch and one `git cat-file`. Anything that cannot be read or trusted is rendered.
 */
export async function baseFromBranches(options: {
  base: LoadedRepository
  targets: readonly Target[]
  baseSha: string
  remote: string
  toolbox: Toolbox
  logger: Logger
  /** The remote state of these branches (inspected once for the run). */
  branchState: (branches: readonly string[]) => Promise<RemoteState | undefined>
  /** Files that differ between the base's tree and the one `base` was loaded from. */
  differsAt?: readonly string[]
  /** What the targets read in the tree `base` was loaded from, when known. */
  index?: DependencyIndex
}): Promise<RenderedTarget[]> {
  const { base, targets, baseSha, remote, toolbox, logger } = options
  if (targets.length === 0) return []
  const state = await options.branchState([...new Set(targets.map(t => t.branch))].sort())
  if (!state) return []
  const recorded = new RecordedOutputs({
    config: base.config,
    remote: state,
    git: base.git,
    toolbox,
    at: baseSha,
    dryRemote: remote,
    differsAt: options.differsAt,
    index: options.index
  })
  const outputs: Array<{
    target: Target
    files: Map<string, string>
    tools: Record<string, string>
    commands: string[]
  }> = []
  for (const target of targets) {
    const output = await recorded.check(target)
    if (typeof output === 'string') {
      logger.debug(`base of ${target.name} is rendered: ${output}`)
      continue
    }
    outputs.push({
      target,
      files: new Map([...output.files].map(([file, entry]) => [file, entry.id])),
      tools: output.owned.tools,
      commands: output.owned.commands
    })
  }
  const blobs = await readBlobs(
    base.git,
    outputs.flatMap(o => [...o.files.values()])
  )
  const read: RenderedTarget[] = []
  for (const { target, files, tools, commands } of outputs) {
    const resources = resourcesFromBranch(
      target,
      new Map([...files].map(([file, id]) => [file, blobs.get(id)]))
    )
    if (typeof resources === 'string') {
      logger.debug(`base of ${target.name} is rendered: ${resources}`)
      continue
    }
    read.push({
      target,
      resources,
      problems: [],
      commands: [...commands],
      tools: { ...tools },
      warnings: [],
      durationMs: 0
    })
  }
  if (read.length > 0)
    logger.info(
      `${read.length} of ${counted(targets.length, 'base target')} read from their environment branch`
    )
  return read
}

/** `side` with the targets of `again` (rendered, failed, their findings) replaced by it. */
export function replaceTargets(side: RepositoryRender, again: RepositoryRender): RepositoryRender {
  const names = new Set([...again.rendered, ...again.failures].map(r => r.target.name))
  return {
    ...side,
    rendered: [...side.rendered.filter(r => !names.has(r.target.name)), ...again.rendered],
    failures: [...side.failures.filter(f => !names.has(f.target.name)), ...again.failures],
    errors: [...side.errors, ...again.errors],
    policy: {
      ...side.policy,
      findings: [
        ...side.policy.findings.filter(f => !names.has(f.target)),
        ...again.policy.findings
      ]
    }
  }
}
