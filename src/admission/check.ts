import { describeResource, type JsonObject as Obj, type Resource } from '../manifests/resource.js'
import type { Finding, Severity } from '../policy/types.js'
import { admit, collectAdmission, isPolicyObject } from './admit.js'
import { renderedSource } from './load.js'
import type { AdmissionObject, ValidationAction } from './types.js'

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

/**
 * The team's own policies (from `policy.files` and, with `fromOutput`, the environment's
 * output) on every resource of each environment: findings `policy/<name>`, severity by the
 * binding's validationActions (Deny → error, Warn → warning, Audit → notice, not failing).
 */
export function checkAdmission(
  environments: readonly EnvironmentOutput[],
  files: readonly AdmissionObject[],
  options: { fromOutput: boolean; oldObjects?: ReadonlyMap<string, Obj> }
): Finding[] {
  if (files.length === 0 && !options.fromOutput) return []
  const findings: Finding[] = []
  for (const environment of environments) {
    const all = environment.targets.flatMap(t => t.resources)
    const own = options.fromOutput
      ? all
          .filter(r => isPolicyObject(r.object))
          .map(r => ({
            object: r.object,
            source: renderedSource(`environment ${environment.env}`)
          }))
      : []
    const params = all
      .filter(r => !isPolicyObject(r.object))
      .map(r => ({ object: r.object, source: renderedSource(environment.env) }))
    const set = collectAdmission([...files, ...own, ...params])
    if (set.bindings.length === 0 && set.kyverno.length === 0) continue
    const namespaces = new Map(
      all.filter(r => r.kind === 'Namespace' && r.group === '').map(r => [r.name, r.object])
    )
    const unknown = new Set<string>()
    for (const target of environment.targets)
      for (const resource of target.resources) {
        const described = describeResource(resource)
        const outcome = admit(set, namespaces, {
          object: resource.object,
          oldObject: options.oldObjects?.get(`${target.name}\u0000${described}`)
        })
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
  }
  return findings
}
