import { describeResource, type JsonObject as Obj, type Resource } from '../manifests/resource.js'
import { admit, collectAdmission, isPolicyObject, type AdmissionSet } from './admit.js'
import { validateCustomResource } from './crd.js'
import { renderedSource } from './load.js'
import type { AdmissionFinding, AdmissionObject, ValidationAction } from './types.js'

type Finding = AdmissionFinding
type Severity = AdmissionFinding['severity']

/** One environment's rendered output, its targets' resources. */
export interface EnvironmentOutput {
  env: string
  targets: Array<{ name: string; resources: readonly Resource[] }>
}

const RANK: Record<ValidationAction, number> = { Audit: 0, Warn: 1, Deny: 2 }
const SEVERITY: Record<ValidationAction, Severity> = {
  Deny: 'error',
  Warn: 'warning',
  Audit: 'notice'
}

function severityOf(actions: readonly ValidationAction[]): Severity {
  const strongest = [...actions].sort((a, b) => RANK[b] - RANK[a])[0] ?? 'Deny'
  return SEVERITY[strongest]
}

/** The policies one environment is checked with: the files', and (fromOutput) its own. */
export function policySetOf(
  environment: EnvironmentOutput,
  files: readonly AdmissionObject[],
  fromOutput: boolean
): { set: AdmissionSet; namespaces: Map<string, Obj> } {
  const all = environment.targets.flatMap(t => t.resources)
  const own = fromOutput
    ? all
        .filter(r => isPolicyObject(r.object))
        .map(r => ({ object: r.object, source: renderedSource(`environment ${environment.env}`) }))
    : []
  const params = all
    .filter(r => !isPolicyObject(r.object))
    .map(r => ({ object: r.object, source: renderedSource(environment.env) }))
  const namespaces = new Map(
    all.filter(r => r.kind === 'Namespace' && r.group === '').map(r => [r.name, r.object])
  )
  return { set: collectAdmission([...files, ...own, ...params]), namespaces }
}

/** Custom resources validated against a CRD (they count as schema-checked). */
export interface AdmissionStats {
  crdValidated: number
}

export const oldObjectKey = (target: string, resource: string) => `${target}\u0000${resource}`

/** The findings of one policy set on every resource of an environment's targets. */
export function admissionFindings(
  environment: EnvironmentOutput,
  policies: { set: AdmissionSet; namespaces: ReadonlyMap<string, Obj> },
  oldObjects?: ReadonlyMap<string, Obj>,
  stats?: AdmissionStats
): Finding[] {
  const { set, namespaces } = policies
  if (set.bindings.length === 0 && set.kyverno.length === 0 && set.crds.size === 0) return []
  const findings: Finding[] = []
  const unknown = new Set<string>()
  for (const target of environment.targets)
    for (const resource of target.resources) {
      const described = describeResource(resource)
      const oldObject = oldObjects?.get(oldObjectKey(target.name, described))
      const crd = resource.group ? set.crds.get(`${resource.group}/${resource.kind}`) : undefined
      if (crd) {
        if (stats) stats.crdValidated++
        for (const error of validateCustomResource(crd, resource.object, oldObject))
          findings.push({
            target: target.name,
            resource: described,
            rule: 'schema',
            severity: 'error',
            message: `${resource.apiVersion} ${resource.kind}: ${error.field ? `${error.field}: ` : ''}${error.message}`,
            ...(error.field ? { field: error.field } : {})
          })
      }
      const outcome = admit(set, namespaces, { object: resource.object, oldObject })
      for (const v of outcome.violations)
        findings.push({
          target: target.name,
          resource: described,
          rule: `policy/${v.policy}`,
          severity: severityOf(v.actions),
          message: v.message,
          ...(v.field ? { field: v.field } : {})
        })
      for (const u of outcome.unknown) {
        const key = `${target.name}\u0000${u.policy}\u0000${u.namespace}`
        if (unknown.has(key)) continue
        unknown.add(key)
        findings.push({
          target: target.name,
          resource: '',
          rule: `policy/${u.policy}`,
          severity: 'notice',
          message: `not evaluated: its namespaceSelector needs the labels of namespace ${u.namespace}, which is not in environment ${environment.env}'s output`
        })
      }
    }
  return findings
}

/**
 * The team's own policies (from `policy.files` and, with `fromOutput`, the environment's
 * output) on every resource of each environment: findings `policy/<name>`, severity by the
 * binding's validationActions (Deny → error, Warn → warning, Audit → notice, not failing).
 */
export function checkAdmission(
  environments: readonly EnvironmentOutput[],
  files: readonly AdmissionObject[],
  options: { fromOutput: boolean },
  stats?: AdmissionStats
): Finding[] {
  if (files.length === 0 && !options.fromOutput) return []
  return environments.flatMap(environment =>
    admissionFindings(
      environment,
      policySetOf(environment, files, options.fromOutput),
      undefined,
      stats
    )
  )
}
