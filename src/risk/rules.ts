import type { PolicyRuleId } from '../config/types.js'
import { describeResource, type JsonObject as Obj, type Resource } from '../manifests/resource.js'
import type { RuleSeverity } from '../policy/types.js'
import { at, parseQuantity, sameValue } from '../manifests/objects.js'
import { removedApi } from './removedApis.js'

/** What a risk rule found on one resource; the target and severity are added by the caller. */
export interface RiskHit {
  resource: string
  field?: string
  message: string
  fix: string
}

export interface RiskContext {
  /** `major.minor` the target's cluster runs (helm.kubeVersion, else the default). */
  kubeVersion: string
}

/**
 * A rule that compares the base and the head of one resource: `before` is undefined when the
 * head adds it, `after` when the head removes it (or renames it: the old name is deleted).
 */
export interface RiskRule {
  id: PolicyRuleId
  /** error: the sync fails (the API server refuses it); warning: it applies, and may hurt. */
  defaultSeverity: RuleSeverity
  check(before: Resource | undefined, after: Resource | undefined, context: RiskContext): RiskHit[]
  /**
   * Rules about the head alone (what a role grants, which API it uses): a hit the base has
   * on the same resource too is pre-existing.
   */
  headOnly?: boolean
}

const is = (resource: Resource | undefined, group: string, ...kinds: string[]) =>
  !!resource && resource.group === group && kinds.includes(resource.kind)

/** Fields the API server refuses to change, per group/kind (docs/policy.md). */
const IMMUTABLE_FIELDS: Array<{ group: string; kinds: string[]; fields: string[][] }> = [
  {
    group: 'apps',
    kinds: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'],
    fields: [['spec', 'selector']]
  },
  {
    group: 'apps',
    kinds: ['StatefulSet'],
    fields: [
      ['spec', 'serviceName'],
      ['spec', 'podManagementPolicy']
    ]
  },
  {
    group: 'batch',
    kinds: ['Job'],
    fields: [
      ['spec', 'selector'],
      ['spec', 'template']
    ]
  },
  { group: '', kinds: ['Service'], fields: [['spec', 'clusterIP']] },
  {
    group: '',
    kinds: ['PersistentVolumeClaim'],
    fields: [
      ['spec', 'storageClassName'],
      ['spec', 'accessModes'],
      ['spec', 'volumeName']
    ]
  }
]

/** A volumeClaimTemplate without its storage request: the rest must not change either. */
function templatesWithoutStorage(templates: unknown): unknown {
  if (!Array.isArray(templates)) return templates
  return templates.map(template => {
    const copy = structuredClone(template) as Obj
    const requests = at(copy, ['spec', 'resources', 'requests']) as Obj | undefined
    if (requests && typeof requests === 'object') delete requests.storage
    return copy
  })
}

function templatesByName(resource: Resource): Map<string, Obj> {
  const list = at(resource.object, ['spec', 'volumeClaimTemplates'])
  const byName = new Map<string, Obj>()
  if (Array.isArray(list))
    list.forEach((t: Obj, i) => byName.set(String(at(t, ['metadata', 'name']) ?? i), t))
  return byName
}

const RECREATE =
  'recreate it under a new name, or delete it and let Argo CD create it again (sync option Replace=true); else keep the old value'

/**
 * Objects that are never updated in place: Argo CD and Helm hooks (deleted and created again
 * on each sync), objects with only a generateName (a new one each time), and objects whose
 * sync options say Replace=true or Force=true.
 */
function recreatedOnSync(resource: Resource): boolean {
  const metadata = (resource.object.metadata ?? {}) as Obj
  const annotations = (metadata.annotations ?? {}) as Obj
  const syncOptions = String(annotations['argocd.argoproj.io/sync-options'] ?? '')
  return (
    !!resource.generateName ||
    'argocd.argoproj.io/hook' in annotations ||
    'helm.sh/hook' in annotations ||
    /\b(Replace|Force)=true\b/.test(syncOptions)
  )
}

const immutableField: RiskRule = {
  id: 'immutable-field',
  defaultSeverity: 'error',
  check(before, after) {
    if (!before || !after || recreatedOnSync(after)) return []
    const hits: RiskHit[] = []
    for (const { group, kinds, fields } of IMMUTABLE_FIELDS) {
      if (!is(after, group, ...kinds)) continue
      for (const path of fields) {
        const [was, now] = [at(before.object, path), at(after.object, path)]
        if (sameValue(was, now)) continue
        hits.push({
          resource: describeResource(after),
          field: path.join('.'),
          message: `${after.kind} ${path.join('.')} is immutable: the apply fails ("field is immutable")`,
          fix: after.kind === 'Job' ? 'give the Job a new name (or make it a hook)' : RECREATE
        })
      }
    }
    if (is(after, 'apps', 'StatefulSet')) {
      const [was, now] = [before, after].map(r =>
        templatesWithoutStorage(at(r.object, ['spec', 'volumeClaimTemplates']))
      )
      if (!sameValue(was, now))
        hits.push({
          resource: describeResource(after),
          field: 'spec.volumeClaimTemplates',
          message:
            'StatefulSet volumeClaimTemplates are immutable: the apply fails, and existing PVCs would not change anyway',
          fix: 'change the PVCs themselves, then delete the StatefulSet with --cascade=orphan so Argo CD re-creates it'
        })
    }
    return hits
  }
}

function storage(resource: Obj): unknown {
  return at(resource, ['spec', 'resources', 'requests', 'storage'])
}

const storageResize: RiskRule = {
  id: 'storage-resize',
  defaultSeverity: 'error',
  check(before, after) {
    if (!before || !after) return []
    if (is(after, '', 'PersistentVolumeClaim')) {
      const [was, now] = [storage(before.object), storage(after.object)]
      const [a, b] = [parseQuantity(was), parseQuantity(now)]
      if (a === undefined || b === undefined || b >= a) return []
      return [
        {
          resource: describeResource(after),
          field: 'spec.resources.requests.storage',
          message: `PersistentVolumeClaim storage shrinks from ${String(was)} to ${String(now)}: Kubernetes refuses to shrink a volume`,
          fix: `keep ${String(was)}; to shrink, copy the data to a new, smaller PVC`
        }
      ]
    }
    if (!is(after, 'apps', 'StatefulSet')) return []
    const old = templatesByName(before)
    const hits: RiskHit[] = []
    for (const [name, template] of templatesByName(after)) {
      const previous = old.get(name)
      if (!previous) continue
      const [was, now] = [storage(previous), storage(template)]
      if (sameValue(was, now)) continue
      hits.push({
        resource: describeResource(after),
        field: `spec.volumeClaimTemplates[${name}].spec.resources.requests.storage`,
        message: `StatefulSet volumeClaimTemplates storage changes from ${String(was)} to ${String(now)}: the apply fails (the field is immutable) and the existing PVCs keep their size`,
        fix: 'resize each PVC of the StatefulSet directly (its StorageClass must allow expansion), then delete the StatefulSet with --cascade=orphan so Argo CD re-creates it with the new template'
      })
    }
    return hits
  }
}

/** Kinds whose deletion loses data or reaches beyond one application. */
const DESTRUCTIVE: Record<string, string> = {
  '/PersistentVolumeClaim': 'its volume, and the data on it when the reclaim policy is Delete',
  '/PersistentVolume': 'the volume, and its data when the reclaim policy is Delete',
  'apps/StatefulSet': 'its pods; its PVCs stay, orphaned',
  '/Namespace': 'every object in the namespace',
  'apiextensions.k8s.io/CustomResourceDefinition':
    'every custom resource of that kind in the cluster'
}

const destructiveDeletion: RiskRule = {
  id: 'destructive-deletion',
  defaultSeverity: 'warning',
  check(before, after) {
    if (!before || after) return []
    const loses = DESTRUCTIVE[`${before.group}/${before.kind}`]
    if (!loses) return []
    return [
      {
        resource: describeResource(before),
        message: `${before.kind} is deleted (or renamed): Argo CD's prune deletes it, and with it ${loses}`,
        fix: 'keep it, or annotate it argocd.argoproj.io/sync-options: Prune=false before removing it from Git'
      }
    ]
  }
}

const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate']

const rbacEscalation: RiskRule = {
  id: 'rbac-escalation',
  defaultSeverity: 'warning',
  headOnly: true,
  check(_before, after) {
    if (!after || after.group !== 'rbac.authorization.k8s.io') return []
    const resource = describeResource(after)
    if (after.kind === 'RoleBinding' || after.kind === 'ClusterRoleBinding') {
      const ref = at(after.object, ['roleRef']) as Obj | undefined
      if (ref?.kind !== 'ClusterRole' || ref.name !== 'cluster-admin') return []
      return [
        {
          resource,
          field: 'roleRef',
          message: `${after.kind} grants cluster-admin${after.kind === 'RoleBinding' ? ' in its namespace' : ' on the whole cluster'}`,
          fix: 'bind a role with only the verbs and resources needed'
        }
      ]
    }
    if (after.kind !== 'Role' && after.kind !== 'ClusterRole') return []
    const rules = at(after.object, ['rules'])
    if (!Array.isArray(rules)) return []
    const hits: RiskHit[] = []
    rules.forEach((rule: Obj, index) => {
      const list = (field: string) =>
        Array.isArray(rule?.[field]) ? (rule[field] as unknown[]).map(String) : []
      const wildcards = ['verbs', 'resources', 'apiGroups'].filter(f => list(f).includes('*'))
      const verbs = list('verbs').filter(v => ESCALATING_VERBS.includes(v))
      const problems = [
        ...wildcards.map(f => `* in ${f}`),
        ...(verbs.length ? [`the ${verbs.join(', ')} verb${verbs.length > 1 ? 's' : ''}`] : [])
      ]
      if (problems.length === 0) return
      hits.push({
        resource,
        field: `rules[${index}]`,
        message: `${after.kind} grants ${problems.join(' and ')}: it can grow its own or others' permissions`,
        fix: 'list the exact apiGroups, resources and verbs needed'
      })
    })
    return hits
  }
}

const removedApiRule: RiskRule = {
  id: 'removed-api',
  defaultSeverity: 'error',
  headOnly: true,
  check(_before, after, context) {
    if (!after) return []
    const removal = removedApi(after.apiVersion, after.kind, context.kubeVersion)
    if (!removal) return []
    return [
      {
        resource: describeResource(after),
        field: 'apiVersion',
        message: `${after.apiVersion} ${after.kind} was removed in Kubernetes ${removal.removedIn} (this target: ${context.kubeVersion}): the apply fails`,
        fix: removal.replacement
          ? `use ${removal.replacement}`
          : `remove it: ${after.kind} has no successor in ${after.apiVersion.split('/')[0]}`
      }
    ]
  }
}

export const RISK_RULES: readonly RiskRule[] = [
  immutableField,
  storageResize,
  destructiveDeletion,
  rbacEscalation,
  removedApiRule
]
