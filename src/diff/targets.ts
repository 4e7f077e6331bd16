import type { DiffSettings, Target } from '../config/types.js'
import { manifestFiles } from '../hydrate/layout.js'
import type { RenderedTarget, RenderFailure } from '../render/index.js'
import { ignoredDifferences } from './ignore.js'
import { wouldHide } from './reviewSettings.js'
import { diffResources } from './resources.js'
import { highlightChanges } from './highlights.js'
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

/** Whether a push would write other bytes for the target than the branch holds from the base. */
function outputDiffers(base: RenderedTarget, head: RenderedTarget): boolean {
  const files = (side: RenderedTarget) => manifestFiles(side.target, side.resources)
  return JSON.stringify(files(base)) !== JSON.stringify(files(head))
}

/** What differs in a target whose resources the diff shows as the same: ignored fields, or more. */
function ignoredFields(
  base: RenderedTarget,
  head: RenderedTarget,
  settings: DiffSettings
): string[] {
  const fields = new Set<string>()
  const before = new Map(base.resources.map(r => [r.id, r]))
  for (const resource of head.resources) {
    const old = before.get(resource.id)
    if (old && old.yaml !== resource.yaml)
      for (const field of ignoredDifferences(old.object, resource.object, resource, settings))
        fields.add(field)
  }
  const order = (side: RenderedTarget) => side.resources.map(r => r.id).join('\n')
  if (base.target.layout !== head.target.layout) fields.add('output layout')
  else if (head.target.layout === 'manifest' && order(base) !== order(head))
    fields.add('resource order')
  if (fields.size === 0) fields.add('fields the diff ignores')
  return [...fields].sort()
}

interface SideIndex {
  targets: Map<string, Target>
  rendered: Map<string, RenderedTarget>
  failures: Map<string, string>
}

/**
 * A target whose branch changes leaves one branch and arrives on another: what its old
 * branch holds is removed there (pruned once merged) and its output added to the new one.
 * Undefined when the branch stays, or when a side failed (reported as an error).
 */
function movedBranch(
  name: string,
  b: SideIndex,
  h: SideIndex,
  settings: DiffSettings
): TargetDiff[] | undefined {
  const before = b.targets.get(name)
  const after = h.targets.get(name)
  if (!before || !after || before.branch === after.branch) return undefined
  if (b.failures.has(name) || h.failures.has(name)) return undefined
  const summary = (t: Target) => ({ name, env: t.env, branch: t.branch, path: t.path })
  const removed = diffResources(b.rendered.get(name)?.resources ?? [], [], settings)
  const added = diffResources([], h.rendered.get(name)?.resources ?? [], settings)
  const warnings = h.rendered.get(name)?.warnings ?? []
  return [
    { ...summary(before), status: 'removed', ...removed },
    {
      ...summary(after),
      status: 'added',
      ...added,
      ...(warnings.length > 0 ? { warnings: [...warnings] } : {})
    }
  ]
}

/**
 * Per target (matched by name): changed / unchanged / ignored-only / added / removed, or error
 * when either side failed to render (reported, not fatal to the other targets). Head order first, then
 * targets that only the base has.
 */
export function diffTargets(
  base: DiffSide,
  head: DiffSide,
  settings: DiffSettings,
  /** Hiding settings the change adds, not applied: each target says what they would hide. */
  withheld?: DiffSettings
): TargetDiff[] {
  const index = (side: DiffSide): SideIndex => ({
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
  return names.flatMap((name): TargetDiff | TargetDiff[] => {
    const moved = movedBranch(name, b, h, settings)
    if (moved) return moved
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
    const baseRender = b.rendered.get(name)
    const headRender = h.rendered.get(name)
    const before = b.targets.has(name) ? (baseRender?.resources ?? []) : undefined
    const after = h.targets.has(name) ? (headRender?.resources ?? []) : undefined
    const { resources, counts } = diffResources(before ?? [], after ?? [], settings)
    const hidden = withheld && before && after ? wouldHide(before, after, withheld) : []
    const warnings = {
      ...(headRender?.warnings.length ? { warnings: [...headRender.warnings] } : {}),
      ...(hidden.length > 0 ? { wouldHide: hidden } : {})
    }
    if (before === undefined) return { ...summary, status: 'added', counts, resources, ...warnings }
    if (after === undefined) return { ...summary, status: 'removed', counts, resources }
    if (resources.length > 0) {
      const highlights = highlightChanges(before, after, settings)
      return {
        ...summary,
        status: 'changed',
        counts,
        resources,
        ...warnings,
        ...(highlights.length > 0 ? { highlights } : {})
      }
    }
    // The same resources once ignored fields are left out; the bytes a push writes may still differ.
    if (baseRender && headRender && outputDiffers(baseRender, headRender))
      return {
        ...summary,
        status: 'ignored-only',
        counts,
        resources,
        ignoredFields: ignoredFields(baseRender, headRender, settings),
        ...warnings
      }
    return { ...summary, status: 'unchanged', counts, resources, ...warnings }
  })
}
