import type { DiffSettings } from '../config/types.js'
import { applyIgnoreRules } from './ignore.js'
import { fieldHighlights } from './reviewFacts.js'
import type { Highlight } from './types.js'
import { describeResource, type Resource } from '../manifests/resource.js'
import { at, containers, isWorkload, podSpec, sameValue } from '../manifests/objects.js'

const RESOURCE_FIELDS = [
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage'
]

function text(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value)
}

/**
 * Images, replicas and container requests/limits that differ between the two sides of each
 * workload the target keeps (added and removed workloads are named by the diff itself).
 * Fields the diff ignores (`diff.ignore`, e.g. replicas an HPA owns) are not reported.
 */
export function highlightChanges(
  base: readonly Resource[],
  head: readonly Resource[],
  settings: DiffSettings
): Highlight[] {
  const before = new Map(base.map(r => [r.id, r]))
  const highlights: Highlight[] = []
  for (const after of head) {
    const old = before.get(after.id)
    if (!old || !isWorkload(after)) continue
    const a = { ...old, object: applyIgnoreRules(old.object, old, settings) }
    const b = { ...after, object: applyIgnoreRules(after.object, after, settings) }
    const resource = describeResource(after)
    const replicas = [at(a.object, ['spec', 'replicas']), at(b.object, ['spec', 'replicas'])]
    if (!sameValue(replicas[0], replicas[1]))
      highlights.push({
        type: 'replicas',
        resource,
        before: typeof replicas[0] === 'number' ? replicas[0] : null,
        after: typeof replicas[1] === 'number' ? replicas[1] : null
      })
    const oldContainers = containers(podSpec(a))
    for (const [name, container] of containers(podSpec(b))) {
      const previous = oldContainers.get(name)
      if (!previous) continue
      const [imageBefore, imageAfter] = [previous.image, container.image]
      if (
        typeof imageBefore === 'string' &&
        typeof imageAfter === 'string' &&
        imageBefore !== imageAfter
      )
        highlights.push({
          type: 'image',
          resource,
          container: name,
          before: imageBefore,
          after: imageAfter
        })
      for (const field of RESOURCE_FIELDS) {
        const path = ['resources', ...field.split('.')]
        const [was, now] = [text(at(previous, path)), text(at(container, path))]
        if (was !== now)
          highlights.push({
            type: 'resources',
            resource,
            container: name,
            field,
            before: was,
            after: now
          })
      }
    }
  }
  return [...highlights, ...fieldHighlights(base, head, settings)]
}
