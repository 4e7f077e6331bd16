import type { JsonObject as Obj } from '../manifests/resource.js'

/** What a rule or selector is matched against. */
export interface AdmissionSubject {
  group: string
  version: string
  kind: string
  /** The plural resource name (`deployments`). */
  resource: string
  namespace: string | undefined
  name: string
  operation: 'CREATE' | 'UPDATE'
  labels: Record<string, string>
  /** The labels of the object's Namespace, when the environment's output has it. */
  namespaceLabels: Record<string, string> | undefined
}

const IRREGULAR: Record<string, string> = { endpoints: 'endpoints' }

/** The resource name the API server serves a kind under (`NetworkPolicy` → `networkpolicies`). */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase()
  if (IRREGULAR[lower]) return IRREGULAR[lower]
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`
  return `${lower}s`
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [])
const has = (values: string[], value: string) => values.includes('*') || values.includes(value)

function ruleMatches(rule: Obj, s: AdmissionSubject): boolean {
  const resources = list(rule.resources)
  const resourceOk = resources.some(r => r === '*' || r === '*/*' || r === s.resource)
  const names = list(rule.resourceNames)
  const scope = typeof rule.scope === 'string' ? rule.scope : '*'
  const scopeOk =
    scope === '*' ||
    (scope === 'Namespaced' ? s.namespace !== undefined : s.namespace === undefined)
  return (
    has(list(rule.apiGroups), s.group) &&
    has(list(rule.apiVersions), s.version) &&
    has(list(rule.operations), s.operation) &&
    resourceOk &&
    (names.length === 0 || names.includes(s.name)) &&
    scopeOk
  )
}

/** A label selector (matchLabels, matchExpressions) over `labels`. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return true
  const { matchLabels, matchExpressions } = selector as Obj
  for (const [key, value] of Object.entries((matchLabels as Obj | undefined) ?? {}))
    if (labels[key] !== value) return false
  for (const expression of (matchExpressions as Obj[] | undefined) ?? []) {
    const key = String(expression.key)
    const values = list(expression.values)
    const present = key in labels
    switch (expression.operator) {
      case 'In':
        if (!present || !values.includes(labels[key]!)) return false
        break
      case 'NotIn':
        if (present && values.includes(labels[key]!)) return false
        break
      case 'Exists':
        if (!present) return false
        break
      case 'DoesNotExist':
        if (present) return false
        break
      default:
        return false
    }
  }
  return true
}

const isEmptySelector = (selector: unknown) =>
  !selector ||
  (typeof selector === 'object' &&
    Object.keys((selector as Obj).matchLabels ?? {}).length === 0 &&
    ((selector as Obj).matchExpressions as unknown[] | undefined)?.length === undefined)

export type MatchOutcome = 'match' | 'no' | { unknownNamespace: string }

/**
 * matchConstraints / matchResources as the API server applies them: a resource rule matches
 * and no exclude rule does, the object selector selects, and the namespace selector selects
 * the namespace's labels (unknown labels are said, not guessed).
 */
export function matchResources(match: Obj | undefined, s: AdmissionSubject): MatchOutcome {
  if (!match) return 'match'
  // A binding's matchResources without resourceRules narrows nothing by resource.
  const rules = (match.resourceRules as Obj[] | undefined) ?? []
  if (rules.length > 0 && !rules.some(rule => ruleMatches(rule, s))) return 'no'
  if (((match.excludeResourceRules as Obj[] | undefined) ?? []).some(rule => ruleMatches(rule, s)))
    return 'no'
  if (!selects(match.objectSelector, s.labels)) return 'no'
  const namespaceSelector = match.namespaceSelector
  if (isEmptySelector(namespaceSelector)) return 'match'
  // A Namespace is selected by its own labels; other cluster-scoped objects by none.
  const labels = s.kind === 'Namespace' && s.group === '' ? s.labels : s.namespaceLabels
  if (s.namespace === undefined && !(s.kind === 'Namespace' && s.group === '')) return 'match'
  if (labels === undefined) return { unknownNamespace: s.namespace ?? s.name }
  return selects(namespaceSelector, labels) ? 'match' : 'no'
}
