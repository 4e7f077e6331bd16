import type { Ancestry } from '../git/objects.js'
import type { RecordedDry } from '../hydrate/remoteState.js'
import { STATE_FILE, type HydrateState } from '../hydrate/state.js'
import type { Finding } from './types.js'

const short = (sha: string) => sha.slice(0, 7)

/**
 * Notes, root metadata and state file about the dry commit. The root metadata and the state
 * file are written together, so they agree; the note may be newer (a run that changed no
 * manifest moves only the note), never older nor from another line of history.
 */
export async function checkConsistency(options: {
  record: RecordedDry | undefined
  state: HydrateState
  ancestry: Ancestry
}): Promise<Finding[]> {
  const { record, state } = options
  const findings: Finding[] = []
  const inconsistent = (detail: string): Finding => ({ state: 'inconsistent', path: '', detail })
  const tree = record?.treeDrySha
  if (!tree) findings.push(inconsistent('the root hydrator.metadata records no dry commit'))
  else if (tree !== state.drySha)
    findings.push(
      inconsistent(
        `the root hydrator.metadata records ${short(tree)}, ${STATE_FILE} ${short(state.drySha)}`
      )
    )
  if (record?.noted && tree && record.noted !== tree) {
    if (!(await options.ancestry.isAncestor(tree, record.noted)))
      findings.push(
        inconsistent(
          `the note records ${short(record.noted)}, which does not descend from ${short(tree)} the files were written from`
        )
      )
  }
  return findings
}
