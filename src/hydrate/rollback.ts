import { HydrateError } from '../errors.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { descendsFrom } from '../git/descent.js'
import type { Ancestry } from '../git/objects.js'
import type { Logger } from '../logger.js'
import type { RemoteState } from './remoteState.js'

/**
 * What a push does with a commit that does not descend from what a branch records:
 * 'refuse' (nothing is written), 'allow' (roll back on purpose), 'skip-older' (a late run
 * of an older commit skips those branches, as the ordering guard always did; a commit on
 * another line of history is refused).
 */
export type RollbackPolicy = 'refuse' | 'allow' | 'skip-older'

/** A branch whose recorded dry commit the hydrated commit does not contain. */
export interface RollbackRisk {
  branch: string
  recorded: string
  /** The hydrated commit is in the recorded one's history (older), else on another line. */
  older: boolean
}

/** The push would roll branches back: exit 1, nothing written. */
export class RollbackError extends HydrateError {
  constructor(
    readonly drySha: string,
    readonly risks: readonly RollbackRisk[]
  ) {
    const short = drySha.slice(0, 7)
    const lines = risks.map(
      r =>
        `  ${r.branch} records ${r.recorded.slice(0, 7)}, ${r.older ? `which is newer (${short} is in its history)` : `which ${short} does not contain (another line of history)`}`
    )
    super(
      [
        `refusing to hydrate ${short}: it does not descend from every dry commit the branches record, so the push would roll them back:`,
        ...lines,
        `No branch was touched. Hydrate from a commit that contains them (pull or rebase onto the latest), or pass --allow-rollback to roll the branches back to ${short} on purpose.`
      ].join('\n')
    )
  }
}

/**
 * The branches (of `remote`) whose recorded dry commit `drySha` does not contain; with
 * 'skip-older', only those on another line of history. Throws RollbackError unless 'allow'.
 */
export async function guardRollback(options: {
  git: GitCommandManager
  ancestry: Ancestry
  remote: RemoteState
  drySha: string
  policy: RollbackPolicy
  logger: Logger
  /** The dry repository's remote. */
  dryRemote?: string
}): Promise<void> {
  const { git, ancestry, remote, drySha, policy, logger } = options
  if (policy === 'allow') return
  const risks: RollbackRisk[] = []
  const descends = new Map<string, Promise<boolean | undefined>>()
  for (const [branch, record] of [...remote.recorded].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (record.drySha === drySha) continue
    // The older check first: it fetches the recorded commit with its history when needed.
    const older = await ancestry.isAncestor(drySha, record.drySha)
    if (older) {
      if (policy === 'refuse') risks.push({ branch, recorded: record.drySha, older })
      continue
    }
    let contains = descends.get(record.drySha)
    if (!contains) {
      contains = descendsFrom(git, record.drySha, drySha, logger, options.dryRemote)
      descends.set(record.drySha, contains)
    }
    const answer = await contains
    if (answer === undefined)
      logger.warning(
        `cannot tell whether ${drySha.slice(0, 7)} descends from ${record.drySha.slice(0, 7)}, which ${branch} records (history not available); hydrating anyway`
      )
    else if (!answer) risks.push({ branch, recorded: record.drySha, older: false })
  }
  if (risks.length > 0) throw new RollbackError(drySha, risks)
}
