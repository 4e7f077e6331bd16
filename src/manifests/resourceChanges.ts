import type { Resource } from './resource.js'

/** How many resources a change added, modified and removed. */
export interface ResourceCounts {
  added: number
  modified: number
  removed: number
}

/** Resources compared by identity; one whose hydrated bytes differ counts as modified. */
export function countResourceChanges(
  before: readonly Resource[],
  after: readonly Resource[]
): ResourceCounts {
  const old = new Map(before.map(r => [r.id, r.yaml]))
  const now = new Map(after.map(r => [r.id, r.yaml]))
  const counts: ResourceCounts = { added: 0, modified: 0, removed: 0 }
  for (const [id, yaml] of now) {
    const previous = old.get(id)
    if (previous === undefined) counts.added++
    else if (previous !== yaml) counts.modified++
  }
  for (const id of old.keys()) if (!now.has(id)) counts.removed++
  return counts
}

/** The total of added, modified and removed. */
export function changedCount(counts: ResourceCounts): number {
  return counts.added + counts.modified + counts.removed
}
