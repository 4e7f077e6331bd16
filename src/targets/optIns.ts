import type { KustomizeOptions, Target } from '../config/types.js'

/** Settings that widen what a render may read or run: a change may not grant them to itself. */
const WIDENING = ['allowOutsideReads', 'allowRemoteBases', 'loadRestrictor', 'enableHelm'] as const
type Widening = (typeof WIDENING)[number]

function widens(key: Widening, head: KustomizeOptions, base: KustomizeOptions | undefined) {
  if (key === 'loadRestrictor')
    return head.loadRestrictor === 'none' && base?.loadRestrictor !== 'none'
  return head[key] && !base?.[key]
}

/**
 * A pull request's targets with the read-widening kustomize settings that its base does not
 * already give the same target taken away: they apply once merged, when the config is
 * reviewed. Returns the targets and, per target, what was taken away.
 */
export function restrictOptIns(
  head: readonly Target[],
  base: readonly Target[] | undefined
): { targets: Target[]; withheld: Array<{ target: string; settings: Widening[] }> } {
  const byName = new Map((base ?? []).map(t => [t.name, t]))
  const withheld: Array<{ target: string; settings: Widening[] }> = []
  const targets = head.map(target => {
    const options = target.kustomize
    if (!options) return target
    const granted = byName.get(target.name)?.kustomize
    const settings = WIDENING.filter(key => widens(key, options, granted))
    if (settings.length === 0) return target
    withheld.push({ target: target.name, settings })
    const restricted: KustomizeOptions = { ...options }
    for (const key of settings) {
      if (key === 'loadRestrictor') restricted.loadRestrictor = 'rootOnly'
      else restricted[key] = false
    }
    return { ...target, kustomize: restricted }
  })
  return { targets, withheld }
}
