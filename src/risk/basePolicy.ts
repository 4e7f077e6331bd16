import {
  POLICY_RULES,
  type PolicyRuleId,
  type PolicySettings,
  type RuleSetting,
  type Target
} from '../config/types.js'
import { digestRequired } from '../policy/digest.js'
import { RULES } from '../policy/rules.js'
import { RISK_RULES } from './rules.js'

const RANK: Record<RuleSetting, number> = { off: 0, warning: 1, error: 2 }

const DEFAULTS = new Map<PolicyRuleId, RuleSetting>(
  [...RULES, ...RISK_RULES].map(rule => [rule.id, rule.defaultSeverity])
)

function settingOf(
  id: PolicyRuleId,
  global: PolicySettings,
  local: PolicySettings | undefined
): RuleSetting {
  return local?.rules[id] ?? global.rules[id] ?? DEFAULTS.get(id) ?? 'error'
}

/**
 * A pull request's targets checked with rules no weaker than its base's: a rule the change
 * turns off or lowers for a target (in the global `policy:` or the target's own) keeps the
 * base's setting for that target, and so does `requireDigest`; a new target gets the base's
 * global settings. A change cannot hide what it adds from its own review; its settings apply
 * once merged, when the config is reviewed. Returns the targets and, per target, what was kept.
 */
export function keepBasePolicy(
  head: { policy: PolicySettings; targets: readonly Target[] },
  base: { policy: PolicySettings; targets: readonly Target[] } | undefined
): { targets: Target[]; kept: Array<{ target: string; rules: string[] }> } {
  if (!base) return { targets: [...head.targets], kept: [] }
  const byName = new Map(base.targets.map(t => [t.name, t]))
  const kept: Array<{ target: string; rules: string[] }> = []
  const targets = head.targets.map(target => {
    const granted = byName.get(target.name)?.policy
    const rules: Partial<Record<PolicyRuleId, RuleSetting>> = {}
    const said: string[] = []
    for (const id of POLICY_RULES) {
      const now = settingOf(id, head.policy, target.policy)
      const before = settingOf(id, base.policy, granted)
      if (RANK[now] >= RANK[before]) continue
      rules[id] = before
      said.push(`${id} (${before}, not ${now})`)
    }
    const requireDigest =
      digestRequired(base.policy, granted, target.env) &&
      !digestRequired(head.policy, target.policy, target.env)
        ? true
        : undefined
    if (requireDigest) said.push('requireDigest')
    if (said.length === 0) return target
    kept.push({ target: target.name, rules: said })
    return {
      ...target,
      policy: {
        ...target.policy,
        rules: { ...target.policy?.rules, ...rules },
        ...(requireDigest ? { requireDigest } : {})
      }
    }
  })
  return { targets, kept }
}
