import type { SourceLocation } from '../errors.js'
import type { JsonObject as Obj } from '../manifests/resource.js'

/** Where a policy came from: a file of `policy.files`, or an environment's rendered output. */
export interface PolicySource {
  /** `policies/vap.yaml` or `target web-prod output`. */
  origin: string
  /** The file position of a path in the document (`spec.validations[0].expression`). */
  locate(path: ReadonlyArray<string | number>): SourceLocation
}

export interface AdmissionObject {
  object: Obj
  source: PolicySource
}

export type ValidationAction = 'Deny' | 'Warn' | 'Audit'

/** One violation: the policy's message, the binding's actions. */
export interface Violation {
  /** The policy's name (the rule is `policy/<name>`). */
  policy: string
  kind: 'ValidatingAdmissionPolicy' | 'ValidatingPolicy'
  message: string
  actions: ValidationAction[]
  /** `spec.replicas`, from a validation's fieldPath or messageExpression-free default. */
  field?: string
}

/**
 * A finding as the policy stage reports it (the same shape as its Finding: that stage
 * imports this folder, so the type is declared here rather than imported back).
 */
export interface AdmissionFinding {
  target: string
  resource: string
  rule: string
  severity: 'error' | 'warning' | 'notice'
  message: string
  field?: string
}
