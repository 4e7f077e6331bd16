import type { DiffSettings, Target } from '../config/types.js'
import type { RenderedTarget, RenderFailure } from '../render/index.js'
import { diffResources } from './resources.js'
import type { ChangeCounts, TargetDiff } from './types.js'

/** What one side of the diff rendered: its targets, and per target a result or a failure. */
export interface DiffSide {
  targets: Target[]
  rendered: RenderedTarget[]
  failures: RenderFailure[]
  /** Targets that were rendered (or failed) on this side; the others were not affected. */
  selected: Set<string>
}

const NO_CHANGES: ChangeCounts = { added: 0, modified: 0, removed: 0, renamed: 0 }

/**
 * Per target (matched by name): changed / unchanged / added / removed, or error when either
 * side failed to render (reported, not fatal to the other targets). Head order first, then
 * targets that only the base has.
 */
export function diffTargets(base: DiffSide, head: DiffSide, settings: DiffSettings): TargetDiff[] {
  const index = (side: DiffSide) => ({
    targets: new Map(side.targets.map(t => [t.name, t])),
    rendered: new Map(side.rendered.map(r => [r.target.name, r])),
    failures: new Map(side.failures.map(f => [f.target.name, f.error.message]))
  })
  const b = index(base)
  const h = index(head)
  const names = [
    ...head.targets.map(t => t.name),
    ...base.targets.map(t => t.name).filter(n => !h.targets.has(n))
  ]
  return names.map(name => {
    const target = (h.targets.get(name) ?? b.targets.get(name)) as Target
    const summary = { name, env: target.env, branch: target.branch, path: target.path }
    const error = [
      h.failures.get(name) && `head: ${h.failures.get(name)}`,
      b.failures.get(name) && `base: ${b.failures.get(name)}`
    ]
      .filter(Boolean)
      .join('\n')
    if (error)
      return { ...summary, status: 'error', counts: { ...NO_CHANGES }, resources: [], error }
    const before = b.targets.has(name) ? (b.rendered.get(name)?.resources ?? []) : undefined
    const after = h.targets.has(name) ? (h.rendered.get(name)?.resources ?? []) : undefined
    const { resources, counts } = diffResources(before ?? [], after ?? [], settings)
    const status =
      before === undefined
        ? 'added'
        : after === undefined
          ? 'removed'
          : resources.length > 0
            ? 'changed'
            : 'unchanged'
    return { ...summary, status, counts, resources }
  })
}
