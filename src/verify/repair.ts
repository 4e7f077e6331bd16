import { HydrateError } from '../errors.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { readDryCommit, type DryCommit } from '../git/dryCommit.js'
import { blobId } from '../git/gitObjects.js'
import { redactUrl, redactUrls } from '../git/redact.js'
import { resolveCommit } from '../git/revisions.js'
import { buildCommits, type Identity } from '../hydrate/fastImport.js'
import type { BranchPlan, PlannedFile } from '../hydrate/plan.js'
import { INPUTS_REF } from '../hydrate/recordedInputs.js'
import { NOTES_REF, TIMINGS_REF, type RemoteState } from '../hydrate/remoteState.js'
import type { ExpectedPath } from './compare.js'
import type { BranchVerification, Finding } from './types.js'

/** Findings --repair fixes: edits and lost files from the recorded re-render; strays on request. */
function repairable(finding: Finding, pruneStray: boolean): boolean {
  if (finding.state === 'stray') return pruneStray
  return (finding.state === 'edited' || finding.state === 'missing') && !!finding.target
}

/**
 * Re-hydrates the drifted paths of each branch from the dry commit it records: the tip's tree
 * with only those paths' owned files rewritten (and, with `pruneStray`, the stray files
 * removed), one commit per branch noted as a hydration, all in one atomic push. Nothing is
 * forced: a branch that moved since it was read fails the push. Returns branch → new commit.
 */
export async function repairBranches(options: {
  git: GitCommandManager
  remote: string
  state: RemoteState
  verifications: readonly BranchVerification[]
  expected: (branch: string, dir: string) => ExpectedPath | undefined
  pruneStray: boolean
  committer: Identity
  repoURL?: string
}): Promise<Map<string, string>> {
  const { git, state } = options
  const byDry = new Map<string, { dry: DryCommit; plans: BranchPlan[] }>()
  const fixed = new Map<string, Finding[]>()
  for (const verification of options.verifications) {
    const { branch } = verification
    const tip = state.tips.get(branch)
    const tree = state.trees.get(branch)
    const record = state.recorded.get(branch)
    const owned = state.states.get(branch)?.state.paths ?? {}
    const findings = verification.findings.filter(f => repairable(f, options.pruneStray))
    if (!tip || !tree || !record || findings.length === 0) continue
    const files = new Map<string, PlannedFile>([...tree].map(([file, e]) => [file, { ...e }]))
    const algorithm = record.drySha.length === 64 ? 'sha256' : 'sha1'
    const done: Finding[] = []
    for (const finding of findings) {
      if (finding.state === 'stray') {
        files.delete(finding.path)
        done.push(finding)
        continue
      }
      const expected = options.expected(branch, finding.path)
      const entry = owned[finding.path]
      if (!expected?.files || !entry) continue
      for (const file of entry.files) files.delete(`${finding.path}/${file}`)
      for (const [file, content] of expected.files)
        files.set(`${finding.path}/${file}`, {
          mode: '100644',
          id: blobId(content, algorithm),
          content
        })
      done.push(finding)
    }
    if (done.length === 0) continue
    fixed.set(branch, done)
    let group = byDry.get(record.drySha)
    if (!group) {
      await resolveCommit(git, record.drySha)
      group = { dry: await readDryCommit(git, record.drySha, options.repoURL), plans: [] }
      byDry.set(record.drySha, group)
    }
    group.plans.push({
      branch,
      status: 'updated',
      previous: tip,
      changes: [],
      changedTargets: [...new Set(done.flatMap(f => f.target ?? []))],
      pruned: [],
      recordedDrySha: record.drySha,
      files,
      note: true,
      timings: state.timings?.get(branch),
      inputs: state.inputs?.get(branch)
    })
  }
  if (fixed.size === 0) return new Map()
  // One fast-import per recorded dry commit; each notes commit builds on the one before.
  const parents = new Map<string, string | undefined>(
    [NOTES_REF, TIMINGS_REF, INPUTS_REF].map(ref => [ref, state.tips.get(ref)])
  )
  const branchRefspecs: string[] = []
  const commits = new Map<string, string>()
  for (const { dry, plans } of byDry.values()) {
    const refspecs = await buildCommits(git, {
      dry,
      plans,
      notesParent: parents.get(NOTES_REF),
      timingsParent: parents.get(TIMINGS_REF),
      inputsParent: parents.get(INPUTS_REF),
      committer: options.committer,
      now: new Date()
    })
    for (const refspec of refspecs) {
      const [sha = '', ref = ''] = refspec.split(':')
      if (ref.startsWith('refs/heads/')) branchRefspecs.push(refspec)
      else parents.set(ref, sha)
    }
    for (const plan of plans) if (plan.commit) commits.set(plan.branch, plan.commit)
  }
  const notesRefspecs = [...parents]
    .filter(([ref, sha]) => sha && sha !== state.tips.get(ref))
    .map(([ref, sha]) => `${sha}:${ref}`)
  const push = await git.exec(
    [
      'push',
      '--atomic',
      '--porcelain',
      '--no-verify',
      options.remote,
      ...branchRefspecs,
      ...notesRefspecs
    ],
    { allowFailure: true }
  )
  if (push.exitCode !== 0)
    throw new HydrateError(
      `repair push to ${redactUrl(options.remote)} failed (nothing was forced; if a branch moved since it was verified, run verify again):\n${redactUrls(push.stderr.trim() || push.stdout.trim())}`
    )
  for (const findings of fixed.values()) for (const finding of findings) finding.repaired = true
  return commits
}
