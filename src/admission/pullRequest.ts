import type { JsonObject as Obj } from '../manifests/resource.js'
import type { AdmissionFinding as Finding } from './types.js'
import { admissionFindings, oldObjectKey, policySetOf, type EnvironmentOutput } from './check.js'
import { describeResource } from '../manifests/resource.js'
import type { AdmissionObject } from './types.js'

export interface PolicySide {
  environments: EnvironmentOutput[]
  files: readonly AdmissionObject[]
}

export const WOULD_BLOCK = 'would block once merged'

const key = (f: Finding) => `${f.target}\u0000${f.resource}\u0000${f.rule}\u0000${f.message}`

/**
 * A pull request's objects checked as the cluster would admit them once it is merged, by the
 * policies the cluster has now (the base's: a policy the change deletes or weakens still
 * applies). A changed object is an UPDATE with the base's version as oldObject. What only the
 * change's own policies find is listed as a notice that it would block once merged.
 * Returns the head's findings and the base's own (for the pre-existing mark).
 */
export function checkPullRequestPolicies(
  head: PolicySide,
  base: PolicySide,
  fromOutput: boolean
): { head: Finding[]; base: Finding[] } {
  const oldObjects = new Map<string, Obj>()
  for (const environment of base.environments)
    for (const target of environment.targets)
      for (const resource of target.resources)
        oldObjects.set(oldObjectKey(target.name, describeResource(resource)), resource.object)
  const baseOutput = (env: string): EnvironmentOutput =>
    base.environments.find(e => e.env === env) ?? { env, targets: [] }
  const headFindings: Finding[] = []
  for (const environment of head.environments) {
    const enforced = policySetOf(
      { env: environment.env, targets: baseOutput(environment.env).targets },
      base.files,
      fromOutput
    )
    // Parameters and namespaces are the head's: they are objects the change renders.
    const headPolicies = policySetOf(environment, head.files, fromOutput)
    const now = admissionFindings(
      environment,
      {
        set: { ...enforced.set, objects: headPolicies.set.objects },
        namespaces: headPolicies.namespaces
      },
      oldObjects
    )
    const seen = new Set(now.map(key))
    const proposed = admissionFindings(environment, headPolicies, oldObjects).filter(
      f =>
        !seen.has(key(f)) &&
        !now.some(n => n.rule === f.rule && n.resource === f.resource && n.target === f.target)
    )
    headFindings.push(
      ...now,
      ...proposed.map(f => ({
        ...f,
        severity: 'notice' as const,
        message: `${WOULD_BLOCK}${f.severity === 'notice' ? ' (audit)' : ` (${f.severity})`}: ${f.message}`
      }))
    )
  }
  const baseFindings = base.environments.flatMap(environment =>
    admissionFindings(environment, policySetOf(environment, base.files, fromOutput))
  )
  return { head: headFindings, base: baseFindings }
}
