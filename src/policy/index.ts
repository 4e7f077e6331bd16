import type { PolicySettings, RuleSetting, Target } from '../config/types.js'
import type { RenderedTarget } from '../render/index.js'
import { digestRequired } from './digest.js'
import { checkAdmission } from '../admission/check.js'
import type { AdmissionObject } from '../admission/types.js'
import { RULES, type PolicyStats } from './rules.js'
import { loadSchemaValidator, type SchemaValidator } from './schema.js'
import type { Finding, Severity } from './types.js'

export type FailOn = 'error' | 'warning' | 'never'

export interface PolicyResult {
  findings: Finding[]
  stats: PolicyStats
  durationMs: number
}

function severityOf(
  rule: (typeof RULES)[number],
  global: PolicySettings,
  local: PolicySettings | undefined
): RuleSetting {
  return local?.rules[rule.id] ?? global.rules[rule.id] ?? rule.defaultSeverity
}

/** Is the schema rule on for any of these targets (so their resources need the validator)? */
export function usesSchemaValidator(targets: readonly Target[], global: PolicySettings): boolean {
  const schema = RULES.find(rule => rule.id === 'schema')
  return !!schema && targets.some(target => severityOf(schema, global, target.policy) !== 'off')
}

/** Stands in for the validator where no resource meets the schema rule. */
const notLoaded: SchemaValidator = () => {
  throw new Error('internal: the schema validator was not loaded')
}

/**
 * Runs every rule on every rendered target (docs/policy.md). Findings name target, resource and
 * field, never a Secret's value. The schema validator is loaded only when a resource meets its rule.
 */
export async function checkPolicy(
  rendered: readonly RenderedTarget[],
  global: PolicySettings,
  /** The objects of `policy.files`; none: the team's policies are checked elsewhere (a diff). */
  policyFiles?: readonly AdmissionObject[]
): Promise<PolicyResult> {
  const validated = rendered.filter(item => item.resources.length > 0).map(item => item.target)
  const validateSchema = usesSchemaValidator(validated, global)
    ? await loadSchemaValidator()
    : notLoaded
  const started = performance.now()
  const findings: Finding[] = []
  const stats: PolicyStats = { schemaChecked: 0, schemaSkipped: 0, sopsExempt: 0 }
  for (const item of rendered) {
    const local = item.target.policy
    const context = {
      target: item.target.name,
      allowSecrets: item.target.allowSecrets,
      requireDigest: digestRequired(global, local, item.target.env),
      validateSchema
    }
    for (const rule of RULES) {
      const setting = severityOf(rule, global, local)
      if (setting === 'off') continue
      const severity: Severity = setting
      for (const problem of item.problems.filter(p => p.rule === rule.id)) {
        findings.push({
          target: item.target.name,
          resource: problem.resource,
          rule: rule.id,
          severity,
          message: problem.message
        })
      }
      if (!rule.check) continue
      for (const resource of item.resources) {
        for (const hit of rule.check(resource, context, stats)) {
          const message = resource.origin ? `${resource.origin}: ${hit.message}` : hit.message
          findings.push({ target: item.target.name, rule: rule.id, severity, ...hit, message })
        }
      }
    }
  }
  if (policyFiles) findings.push(...ownPolicies(rendered, global, policyFiles, stats))
  return { findings, stats, durationMs: performance.now() - started }
}

/**
 * The team's policies and CRDs (src/admission); CRD findings take each target's `schema`
 * setting, and the custom resources they validate count as schema-checked, not skipped.
 */
function ownPolicies(
  rendered: readonly RenderedTarget[],
  global: PolicySettings,
  policyFiles: readonly AdmissionObject[],
  stats: PolicyStats
): Finding[] {
  const counted = { crdValidated: 0 }
  const found = checkAdmission(
    byEnvironment(rendered),
    policyFiles,
    { fromOutput: global.fromOutput ?? true },
    counted
  )
  stats.schemaChecked += counted.crdValidated
  stats.schemaSkipped = Math.max(0, stats.schemaSkipped - counted.crdValidated)
  return withSchemaSetting(
    found,
    rendered.map(r => r.target),
    global
  )
}

/** CRD findings (rule `schema`) at each target's `schema` setting; off drops them. */
export function withSchemaSetting(
  found: readonly Finding[],
  targets: readonly Target[],
  global: PolicySettings
): Finding[] {
  const schemaRule = RULES.find(rule => rule.id === 'schema')!
  const settings = new Map(targets.map(t => [t.name, severityOf(schemaRule, global, t.policy)]))
  return found.flatMap(f => {
    if (f.rule !== 'schema') return [f]
    const setting = settings.get(f.target) ?? 'error'
    return setting === 'off' ? [] : [{ ...f, severity: setting }]
  })
}

function byEnvironment(rendered: readonly RenderedTarget[]) {
  const envs = new Map<string, Array<{ name: string; resources: RenderedTarget['resources'] }>>()
  for (const item of rendered) {
    const list = envs.get(item.target.env) ?? []
    list.push({ name: item.target.name, resources: item.resources })
    envs.set(item.target.env, list)
  }
  return [...envs].map(([env, targets]) => ({ env, targets }))
}

/** Do these findings fail the run under `failOn`? */
export function failsOn(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false
  return findings.some(
    f => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning')
  )
}

export function formatFinding(finding: Finding, withSeverity = true): string {
  return `${withSeverity ? `${finding.severity} ` : ''}[${finding.rule}] ${finding.target}${finding.resource ? ` ${finding.resource}` : ''}: ${finding.message}`
}
