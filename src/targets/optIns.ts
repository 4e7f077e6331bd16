import type { KustomizeOptions, Target } from '../config/types.js'

/** kustomize settings that widen what a render may read or run. */
const WIDENING = ['allowOutsideReads', 'allowRemoteBases', 'loadRestrictor', 'enableHelm'] as const
type Widening = (typeof WIDENING)[number]

function widens(key: Widening, head: KustomizeOptions, base: KustomizeOptions | undefined) {
  if (key === 'loadRestrictor')
    return head.loadRestrictor === 'none' && base?.loadRestrictor !== 'none'
  return head[key] && !base?.[key]
}

function restrictKustomize(options: KustomizeOptions, keys: readonly Widening[]) {
  const restricted: KustomizeOptions = { ...options }
  for (const key of keys) {
    if (key === 'loadRestrictor') restricted.loadRestrictor = 'rootOnly'
    else restricted[key] = false
  }
  return restricted
}

/**
 * A pull request's targets without the opt-ins its base does not already give the same
 * target: read- and run-widening kustomize settings, and `allowSecrets` (which would hide
 * the change's own plaintext Secrets from its review). They apply once merged, when the
 * config is reviewed. Returns the targets and, per target, what was withheld.
 */
export function restrictOptIns(
  head: readonly Target[],
  base: readonly Target[] | undefined
): { targets: Target[]; withheld: Array<{ target: string; settings: string[] }> } {
  const byName = new Map((base ?? []).map(t => [t.name, t]))
  const withheld: Array<{ target: string; settings: string[] }> = []
  const targets = head.map(target => {
    const granted = byName.get(target.name)
    const kustomize = target.kustomize
      ? WIDENING.filter(key =>
          widens(key, target.kustomize as KustomizeOptions, granted?.kustomize)
        )
      : []
    const secrets = target.allowSecrets && !granted?.allowSecrets
    if (kustomize.length === 0 && !secrets) return target
    withheld.push({
      target: target.name,
      settings: [...kustomize.map(key => `kustomize.${key}`), ...(secrets ? ['allowSecrets'] : [])]
    })
    return {
      ...target,
      allowSecrets: secrets ? false : target.allowSecrets,
      kustomize: target.kustomize && restrictKustomize(target.kustomize, kustomize)
    }
  })
  return { targets, withheld }
}
