export type Severity = 'error' | 'warning' | 'notice'
/** What a rule may be set to. */
export type RuleSeverity = 'error' | 'warning'

/** A policy finding, as the JSON report holds it (docs/rendered-diff.md). */
export interface Finding {
  target: string
  /** `Kind namespace/name`, or '' for the whole target. */
  resource: string
  rule: string
  severity: Severity
  message: string
  /** The field the finding is about (`spec.selector`), when one field is. */
  field?: string
  /** What to do about it, when the message does not say. */
  fix?: string
  /** In diff mode: the base has the same finding, so this change did not introduce it. */
  preExisting?: boolean
}
