import type { ConfigDraft } from './loadConfig.js'
import { fluxTarget } from '../config/fluxTargets.js'
import type { Target } from '../config/types.js'
import { FLUX_KUSTOMIZE_GROUP, isFluxKustomization } from '../flux/objects.js'
import { renderTargets, type RenderOptions } from '../render/index.js'

/** Does some file the target reads mention `marker` (so its output may declare objects)? */
export type MentionCheck = (repoRoot: string, target: Target, marker: string) => boolean

/**
 * Zero-config Flux, nested: renders, level by level, the Flux targets whose inputs mention
 * Flux's API group, and maps each Kustomization their output holds (variables already
 * substituted, as Flux applies it) in the parent's environment. A render that fails here is
 * a finding; the main render reports it again as the target's error.
 */
export async function discoverNestedKustomizations(
  draft: ConfigDraft,
  options: Omit<RenderOptions, 'repoRoot'>,
  mentions: MentionCheck
): Promise<void> {
  const context = draft.fluxContext
  if (!context) return
  let level: Target[] = draft.targets.filter(t => t.origin?.startsWith('Kustomization '))
  while (level.length > 0) {
    const parents = level.filter(t => mentions(draft.repoRoot, t, FLUX_KUSTOMIZE_GROUP))
    if (parents.length === 0) return
    const { rendered, failures } = await renderTargets(parents, {
      ...options,
      repoRoot: draft.repoRoot
    })
    for (const failure of failures)
      context.findings.push({
        location: failure.target.location,
        subject: failure.target.origin ?? failure.target.name,
        kind: 'invalid',
        message: `its output cannot be read for Kustomizations: ${failure.error.message}`
      })
    const next: Target[] = []
    for (const output of rendered) {
      const parent = output.target
      for (const resource of output.resources) {
        if (!isFluxKustomization(resource.object)) continue
        const child = fluxTarget(
          {
            object: resource.object,
            name: resource.name,
            namespace: resource.namespace,
            location: parent.location
          },
          parent.env,
          context,
          {
            origin: `Kustomization ${resource.name} (in the output of ${parent.name})`,
            definedBy: parent.definedBy ?? []
          }
        )
        if (child) next.push({ ...child, appOfApps: parent.name })
      }
    }
    draft.targets.push(...next)
    level = next
  }
}
