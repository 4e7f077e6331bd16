import type { DiffSettings } from '../config/types.js'
import { at, isWorkload } from '../manifests/objects.js'
import { describeResource, type Resource } from '../manifests/resource.js'
import { applyIgnoreRules } from './ignore.js'
import type { FieldHighlight } from './types.js'

// Changes a reviewer must not miss beyond images and sizes, read from the objects: what a
// workload or Service selects, its pod labels, a volume's size, RBAC rules, Service ports.

/** Labels that change with every release: noise in a one-line summary (the diff has them). */
const RELEASE_LABELS = new Set(['helm.sh/chart', 'app.kubernetes.io/version', 'version', 'chart'])

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const words = (v: unknown) => list(v).map(String).join(', ')

/** `app=web, tier=api`; null when the map is not there. */
function labels(value: unknown, skip: ReadonlySet<string> = new Set()): string | null {
  if (!isObj(value)) return null
  return Object.entries(value)
    .filter(([key]) => !skip.has(key))
    .map(([key, v]) => `${key}=${String(v)}`)
    .join(', ')
}

/** `get, list on pods; * on apps/deployments`. */
function rules(value: unknown): string | null {
  if (!Array.isArray(value)) return null
  return value
    .filter(isObj)
    .map(rule => {
      const groups = list(rule.apiGroups).filter(g => g !== '')
      const what = rule.nonResourceURLs
        ? words(rule.nonResourceURLs)
        : list(rule.resources)
            .map(r => (groups.length > 0 ? `${groups.join('|')}/${String(r)}` : String(r)))
            .join(', ')
      return `${words(rule.verbs)} on ${what}`
    })
    .join('; ')
}

/** `http 80→8080/TCP, 443/TCP`. */
function ports(value: unknown): string | null {
  if (!Array.isArray(value)) return null
  return value
    .filter(isObj)
    .map(p => {
      const target =
        p.targetPort !== undefined && String(p.targetPort) !== String(p.port)
          ? `→${String(p.targetPort)}`
          : ''
      const node = p.nodePort !== undefined ? ` (node ${String(p.nodePort)})` : ''
      const name = typeof p.name === 'string' ? `${p.name} ` : ''
      return `${name}${String(p.port)}${target}/${String(p.protocol ?? 'TCP')}${node}`
    })
    .join(', ')
}

const text = (v: unknown): string | null => (v === undefined || v === null ? null : String(v))

/** `data 1Gi, logs 5Gi`: a StatefulSet's claim templates and their sizes. */
function claimSizes(value: unknown): string | null {
  if (!Array.isArray(value)) return null
  return value
    .filter(isObj)
    .map(
      c =>
        `${String(at(c, ['metadata', 'name']) ?? '?')} ${String(at(c, ['spec', 'resources', 'requests', 'storage']) ?? 'unset')}`
    )
    .join(', ')
}

type Reader = [FieldHighlight['field'], (object: Obj) => string | null]

function readers(resource: Resource): Reader[] {
  const { kind, group } = resource
  if (isWorkload(resource)) {
    const template = kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec'] : ['spec']
    return [
      ['selector', o => labels(at(o, ['spec', 'selector', 'matchLabels']))],
      [
        'pod labels',
        o => labels(at(o, [...template, 'template', 'metadata', 'labels']), RELEASE_LABELS)
      ],
      ...(kind === 'StatefulSet'
        ? ([
            ['volume claims', o => claimSizes(at(o, ['spec', 'volumeClaimTemplates']))]
          ] as Reader[])
        : [])
    ]
  }
  if (kind === 'PersistentVolumeClaim' && group === '')
    return [['storage', o => text(at(o, ['spec', 'resources', 'requests', 'storage']))]]
  if (kind === 'Service' && group === '')
    return [
      ['selector', o => labels(at(o, ['spec', 'selector']))],
      ['ports', o => ports(at(o, ['spec', 'ports']))]
    ]
  if ((kind === 'Role' || kind === 'ClusterRole') && group === 'rbac.authorization.k8s.io')
    return [['rules', o => rules(o.rules)]]
  return []
}

/** Each such field that differs between the two sides of a resource the target keeps. */
export function fieldHighlights(
  base: readonly Resource[],
  head: readonly Resource[],
  settings: DiffSettings
): FieldHighlight[] {
  const before = new Map(base.map(r => [r.id, r]))
  const out: FieldHighlight[] = []
  for (const after of head) {
    const old = before.get(after.id)
    if (!old) continue
    const a = applyIgnoreRules(old.object, old, settings)
    const b = applyIgnoreRules(after.object, after, settings)
    for (const [field, read] of readers(after)) {
      const [was, now] = [read(a), read(b)]
      if (was !== now)
        out.push({
          type: 'field',
          resource: describeResource(after),
          field,
          before: was,
          after: now
        })
    }
  }
  return out
}
