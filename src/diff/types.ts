import type { Finding } from '../policy/types.js'

export type ResourceChangeKind = 'added' | 'removed' | 'modified' | 'renamed'
export type TargetStatus = 'changed' | 'unchanged' | 'added' | 'removed' | 'error'

export interface ResourceChange {
  group: string
  kind: string
  namespace: string
  name: string
  change: ResourceChangeKind
  /** Unified diff of the masked, normalized resource. */
  diff: string
  /** For a rename: the name on the base side. */
  previousName?: string
}

export interface ChangeCounts {
  added: number
  modified: number
  removed: number
  renamed: number
}

export interface TargetDiff {
  name: string
  env: string
  branch: string
  path: string
  status: TargetStatus
  counts: ChangeCounts
  resources: ResourceChange[]
  error?: string
}

/** The JSON report (README "The rendered diff"). */
export interface DiffReport {
  base: string
  head: string
  targets: TargetDiff[]
  findings: Finding[]
}
