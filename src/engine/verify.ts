import path from 'node:path'
import { GitCommandManager } from '../git/commandManager.js'
import { Ancestry, readBlobs } from '../git/objects.js'
import { checkUserRef } from '../git/revisions.js'
import type { Identity } from '../hydrate/fastImport.js'
import {
  inspectRemote,
  lastChecked,
  LOCAL_NOTES,
  type RemoteState
} from '../hydrate/remoteState.js'
import { STATE_FILE } from '../hydrate/state.js'
import { Toolbox } from '../render/tools.js'
import { DependencyIndex } from '../targets/dependencyIndex.js'
import { compareBranch, type ExpectedPath, type OwnedPathRef } from '../verify/compare.js'
import { checkConsistency } from '../verify/consistency.js'
import { classifyDiffering, notedCommits } from '../verify/history.js'
import { repairBranches } from '../verify/repair.js'
import { StaleCheck } from '../verify/stale.js'
import type { BranchVerification, ToolsFrom, VerifyReport } from '../verify/types.js'
import { DEFAULT_COMMITTER } from './hydrate.js'
import { loadRepository, type EngineOptions } from './render.js'
import { withRemoteGit } from './remoteGit.js'
import { pathKey, renderRecorded } from './verifyRender.js'

export interface VerifyOptions extends EngineOptions {
  /** Remote name or URL of the repository that holds the environment branches. */
  remote?: string
  /** Only these branches (default: every branch the config writes). */
  branches?: string[]
  /** The reference for toolchain skew: recorded (skew is reported) or path (skew is drift). */
  toolsFrom?: ToolsFrom
  /** Re-hydrate drifted paths from their recorded dry commit. */
  repair?: boolean
  /** With repair: remove files no target owns too. */
  pruneStray?: boolean
  committer?: Identity
  auth?: { token: string; serverUrl: string }
}

/**
 * load (the head's config: which branches, what "stale" is measured against) → inspect the
 * branches (one fetch) → re-render every owned path at its recorded dry commit → compare
 * bytes, read the history for edits and lag, check notes against metadata → with --repair,
 * one commit per drifted branch in one atomic push.
 */
export async function verifyRepository(options: VerifyOptions): Promise<VerifyReport> {
  const { logger } = options
  const started = performance.now()
  const remote = options.remote ?? 'origin'
  const toolsFrom = options.toolsFrom ?? 'recorded'
  for (const branch of options.branches ?? []) checkUserRef(branch, '--branch')
  return withRemoteGit(options, async (git, repoRoot) => {
    const toolbox = options.toolbox ?? new Toolbox(logger, options.env)
    const configFile =
      options.configFile && path.isAbsolute(options.configFile)
        ? path.relative(repoRoot, options.configFile)
        : options.configFile
    const engine = { ...options, repoRoot, toolbox, configFile }
    const loaded = await loadRepository(engine)
    const branches = [
      ...new Set(options.branches ?? loaded.config.allTargets.map(t => t.branch))
    ].sort()
    const state = await inspectRemote(git, { remote, branches, logger })
    const refs: OwnedPathRef[] = branches.flatMap(branch =>
      Object.entries(state.states.get(branch)?.state.paths ?? {}).map(([dir, owned]) => ({
        branch,
        path: dir,
        owned
      }))
    )
    const { expected, renders } = await logger.group('Re-render at the recorded dry commits', () =>
      renderRecorded({
        git,
        engine,
        paths: refs,
        cleanHead: loaded.dirty ? undefined : loaded.dry.sha
      })
    )
    // Dry commits live in the dry repository (origin), whatever holds the branches.
    const ancestry = new Ancestry(git, logger)
    const stale = new StaleCheck({
      git,
      ancestry,
      head: loaded.dry.sha,
      config: loaded.config,
      index: new DependencyIndex(repoRoot)
    })
    const noted = await notedCommits(git, LOCAL_NOTES)
    const verifications: BranchVerification[] = []
    const context = { git, state, ancestry, stale, expected, noted, sha: loaded.dry.sha }
    for (const branch of branches) verifications.push(await verifyBranch(branch, context))
    if (options.repair) {
      const commits = await logger.group('Repair', () =>
        repairBranches({
          git,
          remote,
          state,
          verifications,
          expected: (branch, dir) => expected.get(pathKey(branch, dir)),
          pruneStray: options.pruneStray === true,
          committer: options.committer ?? DEFAULT_COMMITTER,
          repoURL: options.repoURL
        })
      )
      for (const verification of verifications) {
        const commit = commits.get(verification.branch)
        if (commit) verification.head = commit
      }
    }
    return {
      head: loaded.dry.sha,
      toolsFrom,
      branches: verifications,
      renders,
      durationMs: performance.now() - started
    }
  })
}

async function verifyBranch(
  branch: string,
  context: {
    git: GitCommandManager
    state: RemoteState
    ancestry: Ancestry
    stale: StaleCheck
    expected: Map<string, ExpectedPath>
    noted: ReadonlySet<string>
    sha: string
  }
): Promise<BranchVerification> {
  const { git, state } = context
  const tip = state.tips.get(branch)
  const record = state.recorded.get(branch)
  const result: BranchVerification = {
    branch,
    head: tip,
    drySha: record && lastChecked(record),
    equal: [],
    findings: []
  }
  const tree = state.trees.get(branch)
  if (!tip || !tree) {
    result.findings.push({ state: 'missing', path: '', detail: 'the branch does not exist' })
    return result
  }
  const recordedState = state.states.get(branch)?.state
  if (!recordedState) {
    result.findings.push({
      state: 'inconsistent',
      path: '',
      detail: `no ${STATE_FILE} hydrate can read: what is owned there is unknown`
    })
    return result
  }
  const compared = await compareBranch({
    branch,
    tree,
    state: recordedState,
    expected: dir => context.expected.get(pathKey(branch, dir)),
    algorithm: context.sha.length === 64 ? 'sha256' : 'sha1',
    readBlobs: ids => readBlobs(git, ids)
  })
  result.equal = compared.equal
  result.findings = [
    ...(await checkConsistency({ record, state: recordedState, ancestry: context.ancestry })),
    ...compared.findings,
    ...(await classifyDiffering({
      git,
      tip,
      noted: context.noted,
      differing: compared.differing
    })),
    ...(await context.stale.findings(branch, recordedState, record))
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return result
}
