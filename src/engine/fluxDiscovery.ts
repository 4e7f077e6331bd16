import type { ConfigDraft } from './loadConfig.js'
import { fluxTarget } from '../config/fluxTargets.js'
import type { Target } from '../config/types.js'
import { FLUX_KUSTOMIZE_GROUP, isFluxKustomization } from '../flux/objects.js'
import type { RenderOptions } from '../render/index.js'
import { discoverNested } from './nestedDiscovery.js'

/**
 * Zero-config Flux, nested: renders, level by level, the Flux targets whose inputs mention
 * Flux's API group, and maps each Kustomization their output holds (variables already
 * substituted, as Flux applies it) in the parent's environment.
 */
export async function discoverNestedKustomizations(
  draft: ConfigDraft,
  options: Omit<RenderOptions, 'repoRoot'>
): Promise<void> {
  const context = draft.fluxContext
  if (!context) return
  await discoverNested<Target>(draft, options, {
    first: draft.targets.filter(t => t.origin?.startsWith('Kustomization ')),
    target: level => level,
    marker: FLUX_KUSTOMIZE_GROUP,
    objects: 'Kustomizations',
    findings: context.findings,
    children: (parent, output) =>
      output.resources.flatMap(resource => {
        if (!isFluxKustomization(resource.object)) return []
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
        return child ? [{ ...child, appOfApps: parent.name }] : []
      })
  })
}
