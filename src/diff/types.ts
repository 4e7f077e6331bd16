import type { Finding } from '../policy/types.js'

export type ResourceChangeKind = 'added' | 'removed' | 'modified' | 'renamed'
/**
 * `ignored-only`: no change the diff shows, yet the output differs (only in ignored fields),
 * so a push rewrites the target's manifests.
 */
export type TargetStatus = 'changed' | 'unchanged' | 'ignored-only' | 'added' | 'removed' | 'error'

/** The statuses a push acts on that the diff shows as resource changes. */
export function isChange(status: TargetStatus): boolean {
  return status === 'changed' || status === 'added' || status === 'removed'
}

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

/**
 * A change a reviewer looks for first, read from the objects rather than the diff text
 * (docs/rendered-diff.md): an image, the replicas, a container's requests or limits.
 * `resource` is `Kind namespace/name`; null means the field is not set on that side.
 */
export type Highlight =
  | { type: 'image'; resource: string; container: string; before: string; after: string }
  | { type: 'replicas'; resource: string; before: number | null; after: number | null }
  | {
      type: 'resources'
      resource: string
      container: string
      /** `limits.memory`, `requests.cpu`, … */
      field: string
      before: string | null
      after: string | null
    }
  | FieldHighlight

/** Selector, pod labels, volume sizes, RBAC rules, Service ports: as one line each side. */
export interface FieldHighlight {
  type: 'field'
  resource: string
  field: 'selector' | 'pod labels' | 'volume claims' | 'storage' | 'rules' | 'ports'
  before: string | null
  after: string | null
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
  /** With `ignored-only`: which ignored fields differ (`helm.sh/chart label`), never values. */
  ignoredFields?: string[]
  /** What the head's render tools printed while succeeding; only when there is something. */
  warnings?: string[]
  /**
   * Fields of its changed resources that diff settings this change adds would hide once
   * merged (the diff is shown with the base's settings); names only, when there are any.
   */
  wouldHide?: string[]
  /**
   * With `changed`: images, replicas, container resources, selectors, pod labels, volume sizes,
   * RBAC rules and Service ports that change; only when some do.
   */
  highlights?: Highlight[]
}

/** The JSON report (docs/rendered-diff.md). */
export interface DiffReport {
  base: string
  head: string
  targets: TargetDiff[]
  findings: Finding[]
  /**
   * How the compared targets were obtained: rendered on each side, or (the base) read from
   * the environment branch that already holds their output. Unaffected targets are neither.
   */
  rendering?: { rendered: { base: number; head: number }; fromBranches: number }
}
