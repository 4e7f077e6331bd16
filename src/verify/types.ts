/** What `hydrate verify` found on the environment branches (docs/verify.md). */

/** The state of one owned path, or of a file or branch that no path owns. */
export type PathState =
  'equal' | 'edited' | 'stray' | 'missing' | 'stale' | 'toolchain-skew' | 'inconsistent'

/** Where the reference render's tools come from (`--tools-from`). */
export type ToolsFrom = 'recorded' | 'path'

export interface Finding {
  state: Exclude<PathState, 'equal'>
  /** The owned path, a stray file, or '' for the branch as a whole. */
  path: string
  /** The target that owns the path, when one does. */
  target?: string
  /** One line: what differs. */
  detail: string
  /** edited / toolchain skew: the masked diff of the branch against the re-render. */
  diff?: string
  /** edited: who committed the change, when the branch history says. */
  committers?: string[]
  /** stale: the first dry commit since the recorded one that affects the target, and its date. */
  since?: { sha: string; date: string }
  /** toolchain skew: recorded → now. */
  tools?: { recorded: Record<string, string>; now: Record<string, string> }
  /** --repair rewrote it (or --prune-stray removed it). */
  repaired?: boolean
}

export interface BranchVerification {
  branch: string
  /** The branch head the verdict is about (the repaired commit after --repair). */
  head?: string
  /** The dry commit the branch records (note, else root metadata). */
  drySha?: string
  /** Owned paths that verified equal. */
  equal: string[]
  findings: Finding[]
}

export interface VerifyReport {
  /** The dry commit checked out (what "stale" is measured against). */
  head: string
  toolsFrom: ToolsFrom
  branches: BranchVerification[]
  /** Renders run (one per owned path at its recorded dry commit). */
  renders: number
  durationMs: number
}

/** States that fail the verification; toolchain skew only when the tools on PATH are the reference. */
export function isDrift(finding: Finding, toolsFrom: ToolsFrom): boolean {
  if (finding.repaired) return false
  return finding.state !== 'toolchain-skew' || toolsFrom === 'path'
}

export function branchDrifted(branch: BranchVerification, toolsFrom: ToolsFrom): boolean {
  return branch.findings.some(f => isDrift(f, toolsFrom))
}
