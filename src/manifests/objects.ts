import type { JsonObject as Obj, Resource } from './resource.js'

/** The value at a dotted path of plain keys, or undefined. */
export function at(object: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node && typeof node === 'object' && !Array.isArray(node) ? (node as Obj)[key] : undefined,
    object
  )
}

/** Deep equality of JSON values (key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  return (
    keysA.length === keysB.length && keysA.every(key => sameValue((a as Obj)[key], (b as Obj)[key]))
  )
}

export const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Pod'
])

export function isWorkload(resource: { group: string; kind: string }): boolean {
  return WORKLOAD_KINDS.has(resource.kind) && ['', 'apps', 'batch'].includes(resource.group)
}

/** The pod spec of a workload (a Pod's own, a CronJob's job template's, else the template's). */
export function podSpec(resource: Resource): Obj | undefined {
  const path =
    resource.kind === 'Pod'
      ? ['spec']
      : resource.kind === 'CronJob'
        ? ['spec', 'jobTemplate', 'spec', 'template', 'spec']
        : ['spec', 'template', 'spec']
  const spec = at(resource.object, path)
  return spec && typeof spec === 'object' ? (spec as Obj) : undefined
}

/** Containers of a pod spec by name (init containers too), in order. */
export function containers(spec: Obj | undefined): Map<string, Obj> {
  const byName = new Map<string, Obj>()
  for (const field of ['initContainers', 'containers']) {
    const list = spec?.[field]
    if (!Array.isArray(list)) continue
    list.forEach((container: unknown, index) => {
      if (!container || typeof container !== 'object') return
      const name = (container as Obj).name
      byName.set(typeof name === 'string' ? name : `${field}[${index}]`, container as Obj)
    })
  }
  return byName
}

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60
}

/** A Kubernetes quantity (`10Gi`, `500M`, `1.5`, `1e3`) as a number; undefined when it is none. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  const match = /^([+-]?\d+(?:\.\d+)?)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$/.exec(
    value.trim()
  )
  if (!match) return undefined
  const number = Number(match[1])
  if (match[2]) return number * 10 ** Number(match[2].slice(1))
  return number * (SUFFIX[match[3] ?? ''] as number)
}
