import type { PolicySettings, Target } from '../config/types.js'
import type { DiffSide } from '../diff/targets.js'
import type { Resource } from '../manifests/resource.js'
import type { Finding } from '../policy/types.js'
import { DEFAULT_KUBE_VERSION } from './removedApis.js'
import { RISK_RULES, type RiskHit } from './rules.js'

export { RISK_RULES } from './rules.js'
export { DEFAULT_KUBE_VERSION } from './removedApis.js'

/** The Kubernetes version a target's cluster runs, as far as the config says. */
export function kubeVersionOf(target: Target): string {
  return target.helm?.kubeVersion ?? DEFAULT_KUBE_VERSION
}

/**
 * Risk signals of a diff (docs/policy.md): each rule compares the base and the head of
 * every resource a target adds, changes or removes. Severities follow `policy.rules` like the
 * other rules (the head's config; a target's own over the global). Findings of head-only rules
 * that the base has on the same resource too are marked pre-existing. Targets that failed to
 * render on either side are not checked (they are errors already).
 */
export function checkRisks(base: DiffSide, head: DiffSide, global: PolicySettings): Finding[] {
  const baseRenders = new Map(base.rendered.map(r => [r.target.name, r]))
  const headRenders = new Map(head.rendered.map(r => [r.target.name, r]))
  const failed = new Set([...base.failures, ...head.failures].map(f => f.target.name))
  const headTargets = new Set(head.targets.map(t => t.name))
  const names = [
    ...head.rendered.map(r => r.target.name),
    ...base.rendered.map(r => r.target.name).filter(n => !headTargets.has(n))
  ]
  const findings: Finding[] = []
  for (const name of names) {
    if (failed.has(name)) continue
    const headRender = headRenders.get(name)
    const baseRender = baseRenders.get(name)
    // A target the head still has but did not render was not affected: nothing to compare.
    if (headTargets.has(name) && !headRender) continue
    const target = (headRender ?? baseRender)?.target as Target
    const context = { kubeVersion: kubeVersionOf(target) }
    const before = new Map((baseRender?.resources ?? []).map(r => [r.id, r]))
    const after = new Map((headRender?.resources ?? []).map(r => [r.id, r]))
    const pairs: Array<[Resource | undefined, Resource | undefined]> = [
      ...[...after.values()].map(r => [before.get(r.id), r] as [Resource | undefined, Resource]),
      ...[...before.values()]
        .filter(r => !after.has(r.id))
        .map(r => [r, undefined] as [Resource, undefined])
    ]
    for (const rule of RISK_RULES) {
      const setting = target.policy?.rules[rule.id] ?? global.rules[rule.id] ?? rule.defaultSeverity
      if (setting === 'off') continue
      for (const [old, now] of pairs) {
        if (old && now && old.yaml === now.yaml) continue
        const key = (hit: RiskHit) => `${hit.resource}\u0000${hit.field ?? ''}\u0000${hit.message}`
        const onBase = new Set(
          rule.headOnly && old ? rule.check(undefined, old, context).map(key) : []
        )
        for (const hit of rule.check(old, now, context))
          findings.push({
            target: name,
            rule: rule.id,
            severity: setting,
            ...hit,
            ...(onBase.has(key(hit)) ? { preExisting: true } : {})
          })
      }
    }
  }
  return findings
}
