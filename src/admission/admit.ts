import type { JsonObject as Obj } from '../manifests/resource.js'
import { indexCrds, isCrd } from './crd.js'
import { evaluatePolicy, type EvaluatedPolicy } from './evaluate.js'
import { matchResources, resourceOf, selects, type AdmissionSubject } from './match.js'
import type { AdmissionObject, ValidationAction, Violation } from './types.js'

const VAP_API = 'admissionregistration.k8s.io/v1'
const KYVERNO = /^policies\.kyverno\.io\/(v1alpha1|v1beta1|v1)$/

/** The policies, bindings and parameter objects one environment is checked with. */
export interface AdmissionSet {
  policies: Map<string, AdmissionObject>
  bindings: AdmissionObject[]
  kyverno: AdmissionObject[]
  /** CustomResourceDefinitions by `group/kind`. */
  crds: Map<string, AdmissionObject>
  /** Every other object: parameters are found among them. */
  objects: Obj[]
}

const nameOf = (o: Obj) => String((o.metadata as Obj | undefined)?.name ?? '')
const namespaceOf = (o: Obj) => (o.metadata as Obj | undefined)?.namespace as string | undefined
const labelsOf = (o: Obj | undefined) =>
  ((o?.metadata as Obj | undefined)?.labels as Record<string, string> | undefined) ?? {}

export function isPolicyObject(o: Obj): boolean {
  return (
    (o.apiVersion === VAP_API &&
      (o.kind === 'ValidatingAdmissionPolicy' || o.kind === 'ValidatingAdmissionPolicyBinding')) ||
    (KYVERNO.test(String(o.apiVersion)) && o.kind === 'ValidatingPolicy')
  )
}

export function collectAdmission(items: readonly AdmissionObject[]): AdmissionSet {
  const set: AdmissionSet = {
    policies: new Map(),
    bindings: [],
    kyverno: [],
    crds: indexCrds(items),
    objects: []
  }
  for (const item of items) {
    const { object } = item
    if (object.apiVersion === VAP_API && object.kind === 'ValidatingAdmissionPolicy')
      set.policies.set(nameOf(object), item)
    else if (object.apiVersion === VAP_API && object.kind === 'ValidatingAdmissionPolicyBinding')
      set.bindings.push(item)
    else if (KYVERNO.test(String(object.apiVersion)) && object.kind === 'ValidatingPolicy')
      set.kyverno.push(item)
    else if (!isCrd(object)) set.objects.push(object)
  }
  return set
}

export interface AdmissionRequest {
  object: Obj
  /** The base's version of a changed object: an UPDATE; none: a CREATE. */
  oldObject?: Obj
}

export interface AdmissionOutcome {
  violations: Violation[]
  /** Policies that may apply but whose namespace labels the environment does not hold. */
  unknown: Array<{ policy: string; namespace: string }>
}

function subjectOf(
  object: Obj,
  operation: 'CREATE' | 'UPDATE',
  namespaces: ReadonlyMap<string, Obj>
): AdmissionSubject {
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : ['', String(object.apiVersion)]
  const namespace = namespaceOf(object)
  return {
    group: group!,
    version: version!,
    kind: String(object.kind),
    resource: resourceOf(String(object.kind)),
    namespace,
    name: nameOf(object),
    operation,
    labels: labelsOf(object),
    namespaceLabels:
      namespace === undefined
        ? undefined
        : namespaces.has(namespace)
          ? labelsOf(namespaces.get(namespace))
          : undefined
  }
}

function requestOf(s: AdmissionSubject): Obj {
  return {
    kind: { group: s.group, version: s.version, kind: s.kind },
    resource: { group: s.group, version: s.version, resource: s.resource },
    name: s.name,
    namespace: s.namespace ?? '',
    operation: s.operation,
    userInfo: { username: 'hydrate' },
    dryRun: true
  }
}

const actionsOf = (value: unknown, fallback: ValidationAction[]): ValidationAction[] =>
  Array.isArray(value) && value.length > 0 ? (value as ValidationAction[]) : fallback

/** Parameter objects of a binding's paramRef (by name or selector), or undefined if none is wanted. */
function paramsOf(
  set: AdmissionSet,
  paramKind: Obj | undefined,
  ref: Obj | undefined,
  namespace: string | undefined
): Obj[] | undefined {
  if (!paramKind) return undefined
  if (!ref) return []
  const candidates = set.objects.filter(
    o => o.apiVersion === paramKind.apiVersion && o.kind === paramKind.kind
  )
  const wanted = (ref.namespace as string | undefined) ?? namespace
  return candidates.filter(o => {
    const ns = namespaceOf(o)
    if (ns !== undefined && wanted !== undefined && ns !== wanted) return false
    return typeof ref.name === 'string'
      ? nameOf(o) === ref.name
      : selects(ref.selector ?? {}, labelsOf(o))
  })
}

/** Every policy of `set` on one object, as the API server would admit it. */
export function admit(
  set: AdmissionSet,
  namespaces: ReadonlyMap<string, Obj>,
  request: AdmissionRequest
): AdmissionOutcome {
  const outcome: AdmissionOutcome = { violations: [], unknown: [] }
  const operation = request.oldObject ? 'UPDATE' : 'CREATE'
  const subject = subjectOf(request.object, operation, namespaces)
  const namespaceObject =
    subject.namespace === undefined ? undefined : namespaces.get(subject.namespace)
  const base = {
    object: request.object,
    oldObject: request.oldObject,
    request: requestOf(subject),
    namespaceObject
  }
  const applies = (policy: string, ...matches: Array<Obj | undefined>) => {
    for (const match of matches) {
      const result = matchResources(match, subject)
      if (result === 'no') return false
      if (result !== 'match') {
        outcome.unknown.push({ policy, namespace: result.unknownNamespace })
        return false
      }
    }
    return true
  }
  for (const binding of set.bindings) {
    const spec = (binding.object.spec as Obj | undefined) ?? {}
    const policy = set.policies.get(String(spec.policyName))
    if (!policy) continue
    const policySpec = (policy.object.spec as Obj | undefined) ?? {}
    const name = nameOf(policy.object)
    if (!applies(name, policySpec.matchConstraints as Obj, spec.matchResources as Obj | undefined))
      continue
    const evaluated: EvaluatedPolicy = {
      policy,
      kind: 'ValidatingAdmissionPolicy',
      failurePolicy: policySpec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
      actions: actionsOf(spec.validationActions, ['Deny'])
    }
    const ref = spec.paramRef as Obj | undefined
    const params = paramsOf(set, policySpec.paramKind as Obj | undefined, ref, subject.namespace)
    if (params === undefined) {
      outcome.violations.push(...evaluatePolicy(evaluated, { ...base, params: undefined }))
    } else if (params.length === 0) {
      if (ref?.parameterNotFoundAction === 'Allow') continue
      outcome.violations.push({
        policy: name,
        kind: evaluated.kind,
        actions: evaluated.actions,
        message: `no params found for policy binding ${nameOf(binding.object)} with Deny parameterNotFoundAction`
      })
    } else {
      for (const params1 of params)
        outcome.violations.push(...evaluatePolicy(evaluated, { ...base, params: params1 }))
    }
  }
  for (const policy of set.kyverno)
    outcome.violations.push(...admitKyverno(policy, subject, base, applies))
  return outcome
}

const CONTROLLERS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template']
}

/**
 * A Kyverno ValidatingPolicy: the same engine; a policy on Pods applies to the pod templates
 * of the workload controllers too (Kyverno's autogen), as a Pod made of the template.
 */
function admitKyverno(
  policy: AdmissionObject,
  subject: AdmissionSubject,
  base: { object: Obj; oldObject: Obj | undefined; request: Obj; namespaceObject: Obj | undefined },
  applies: (policy: string, ...matches: Array<Obj | undefined>) => boolean
): Violation[] {
  const spec = (policy.object.spec as Obj | undefined) ?? {}
  const evaluated: EvaluatedPolicy = {
    policy,
    kind: 'ValidatingPolicy',
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    actions: actionsOf(spec.validationActions, ['Audit'])
  }
  const name = nameOf(policy.object)
  const match = spec.matchConstraints as Obj | undefined
  if (applies(name, match)) return evaluatePolicy(evaluated, { ...base, params: undefined })
  const path = CONTROLLERS[subject.kind]
  const listed = ((spec.autogen as Obj | undefined)?.podControllers as Obj | undefined)?.controllers
  const allowed = Array.isArray(listed)
    ? listed.map(String)
    : Object.keys(CONTROLLERS).filter(k => k !== 'ReplicaSet')
  if (
    !path ||
    subject.group === undefined ||
    !allowed.some(k => k.toLowerCase() === subject.kind.toLowerCase())
  )
    return []
  const template = path.reduce<unknown>(
    (node, key) => (node as Obj | undefined)?.[key],
    base.object
  ) as Obj | undefined
  if (!template) return []
  const podOf = (o: Obj | undefined) => {
    const t =
      o &&
      (path.reduce<unknown>((node, key) => (node as Obj | undefined)?.[key], o) as Obj | undefined)
    return (
      t && {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...(t.metadata as Obj), namespace: subject.namespace },
        spec: t.spec
      }
    )
  }
  const pod = podOf(base.object)!
  const podSubject = {
    ...subject,
    group: '',
    version: 'v1',
    kind: 'Pod',
    resource: 'pods',
    labels: labelsOf(pod)
  }
  if (matchResources(match, podSubject) !== 'match') return []
  return evaluatePolicy(evaluated, {
    ...base,
    object: pod,
    oldObject: podOf(base.oldObject),
    params: undefined
  }).map(v => ({
    ...v,
    field: v.field ?? path.join('.')
  }))
}
