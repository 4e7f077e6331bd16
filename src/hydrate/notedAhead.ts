import type { DryCommit } from '../argo/dryCommit.js'
import type { Ancestry } from '../git/objects.js'
import type { Logger } from '../logger.js'
import type { BranchPlan } from './plan.js'
import { NOTES_REF, type RecordedDry } from './remoteState.js'

/**
 * Does the branch's metadata note name a dry commit newer than the one being hydrated, when
 * the branch's commit does not (docs/adr/0042)? The note is a hint that anyone who can push
 * `refs/notes/*` can write, so the ordering guard went by the commit: a plan that commits is
 * written anyway, with a warning; one that commits nothing leaves the newer note as it is.
 */
export async function notedAhead(
  options: { ancestry: Ancestry; logger: Logger },
  dry: DryCommit,
  record: RecordedDry | undefined,
  plan: BranchPlan
): Promise<boolean> {
  const noted = record?.noted
  if (!noted || noted === dry.sha || noted === record.drySha) return false
  if (!(await options.ancestry.isAncestor(dry.sha, noted))) return false
  if (plan.files)
    options.logger.warning(
      `${plan.branch}: its ${NOTES_REF} note names ${noted.slice(0, 7)}, newer than ${dry.sha.slice(0, 7)}, but its commit records ${record.drySha.slice(0, 7)}; notes do not decide, so it is hydrated`
    )
  return true
}
