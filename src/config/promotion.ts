import type { Node, YAMLMap } from 'yaml'
import { ConfigError, formatLocation } from '../errors.js'
import { fillTemplate, placeholdersOf } from './discover.js'
import type { HydrateConfig, PromotionEnvironment, PromotionSettings, Target } from './types.js'
import { branchNameProblem } from './validate.js'
import type { YamlReader } from './yamlReader.js'

// `promotion:` of hydrate.yaml (docs/promotion.md): read with positions, then checked against the
// targets, whose environments it orders.

const PROMOTION_KEYS = ['branch', 'order', 'autoMerge'] as const

/** `promotion:` as written, each value with its node for errors. */
export interface PromotionEntry {
  node: YAMLMap<Node, Node>
  branch: string
  order: string[]
  autoMerge: string[]
}

export function readPromotion(reader: YamlReader, top: YAMLMap<Node, Node>): PromotionEntry {
  const node = reader.map(
    reader.node(top, 'promotion') ?? reader.keyNode(top, 'promotion'),
    'promotion'
  )
  reader.checkKeys(node, PROMOTION_KEYS, 'promotion')
  const branch = reader.string(node, 'branch', 'promotion')
  if (branch === undefined)
    reader.fail(
      node,
      'promotion: missing "branch" (the branch to hydrate into, e.g. env/{env}-next)'
    )
  const order = reader.stringList(node, 'order', 'promotion')
  if (order === undefined || order.length === 0)
    reader.fail(
      reader.keyNode(node, 'order') ?? node,
      'promotion: "order" must list the environments in promotion order, e.g. [dev, staging, prod]'
    )
  return { node, branch, order, autoMerge: reader.stringList(node, 'autoMerge', 'promotion') ?? [] }
}

/**
 * Checks `promotion:` against the targets and moves every target onto its environment's
 * promotion branch; the branch it had becomes its `environmentBranch`.
 */
export function applyPromotion(
  reader: YamlReader,
  entry: PromotionEntry,
  targets: Target[]
): { targets: Target[]; promotion: PromotionSettings } {
  const { node } = entry
  const item = (key: string, index: number): Node | undefined => {
    const list = reader.node(node, key) as { items?: Node[] } | undefined
    return list?.items?.[index]
  }
  const branchNode = reader.node(node, 'branch')
  const placeholders = placeholdersOf(entry.branch)
  if (!placeholders.includes('env'))
    reader.fail(
      branchNode,
      'promotion.branch must contain {env} (one promotion branch per environment)'
    )
  const other = placeholders.find(name => name !== 'env')
  if (other !== undefined)
    reader.fail(branchNode, `promotion.branch may use only {env}, not {${other}}`)

  // One environment branch per environment: its promotion PR merges one branch into one.
  const environmentBranch = new Map<string, string>()
  for (const target of targets) {
    const known = environmentBranch.get(target.env)
    if (known !== undefined && known !== target.branch)
      reader.fail(
        reader.keyNode(node, 'order'),
        `with promotion, the targets of environment ${target.env} must write one branch; target ${target.name} writes ${target.branch}, others ${known}`
      )
    environmentBranch.set(target.env, target.branch)
  }
  const seen = new Set<string>()
  entry.order.forEach((env, index) => {
    if (seen.has(env)) reader.fail(item('order', index), `promotion.order names ${env} twice`)
    seen.add(env)
    if (!environmentBranch.has(env))
      reader.fail(
        item('order', index),
        `promotion.order names ${env}, which no target deploys to; known environments: ${[...environmentBranch.keys()].sort().join(', ')}`
      )
  })
  for (const env of [...environmentBranch.keys()].sort())
    if (!seen.has(env))
      reader.fail(
        reader.keyNode(node, 'order'),
        `environment ${env} has targets but is not in promotion.order; add it where it is promoted`
      )
  entry.autoMerge.forEach((env, index) => {
    if (!seen.has(env))
      reader.fail(
        item('autoMerge', index),
        `promotion.autoMerge names ${env}, which is not in promotion.order`
      )
  })

  const environments: PromotionEnvironment[] = entry.order.map(env => ({
    env,
    branch: environmentBranch.get(env) as string,
    next: fillTemplate(entry.branch, { env }).value,
    autoMerge: entry.autoMerge.includes(env)
  }))
  const environmentBranches = new Set(environments.map(e => e.branch))
  const all = [...environmentBranches, ...environments.map(e => e.next)]
  for (const { next } of environments) {
    const problem = branchNameProblem(next)
    if (problem)
      reader.fail(branchNode, `promotion.branch gives ${JSON.stringify(next)}: ${problem}`)
    if (environmentBranches.has(next))
      reader.fail(
        branchNode,
        `promotion.branch gives ${next}, which is an environment branch; the promotion branch must differ from it (e.g. env/{env}-next)`
      )
    // git keeps refs as paths: env/dev and env/dev/next cannot both exist.
    const nested = all.find(b => b.startsWith(`${next}/`) || next.startsWith(`${b}/`))
    if (nested !== undefined)
      reader.fail(
        branchNode,
        `promotion.branch gives ${next}, which cannot exist next to branch ${nested} (git stores one inside the other's name)`
      )
  }
  const nextOf = new Map(environments.map(e => [e.env, e.next]))
  return {
    targets: targets.map(t => ({
      ...t,
      environmentBranch: t.branch,
      branch: nextOf.get(t.env) as string
    })),
    promotion: { environments, ordered: true, location: reader.locate(node) }
  }
}

// Argo CD's source hydrator writes `hydrateTo.targetBranch` and leaves the move to
// `syncSource.targetBranch` to a promotion: the same pair as promotion's `-next` and
// environment branches, so a discovered Application's hydrateTo becomes its promotion branch.

/** With `promotion:`: an Application's hydrateTo must be the branch promotion gives it. */
export function checkHydrateToAgrees(targets: readonly Target[]): void {
  for (const target of targets)
    if (target.promotionBranch !== undefined && target.promotionBranch !== target.branch)
      throw new ConfigError(
        target.location,
        `${target.origin ?? `target ${target.name}`} hydrates to ${target.promotionBranch} (spec.sourceHydrator.hydrateTo.targetBranch), but promotion.branch gives ${target.branch} for environment ${target.env}; make them agree, or drop one`
      )
}

/**
 * Without `promotion:`: every environment with an Application that sets hydrateTo is hydrated
 * into that branch, its sync branch becoming the environment branch. All targets of such an
 * environment must agree on both branches (one promotion branch per environment). No order:
 * Argo CD's hydrator promotes each Application on its own.
 */
export function applyHydrateTo(targets: Target[]): {
  targets: Target[]
  promotion: PromotionSettings
} {
  const describe = (t: Target) =>
    `${t.origin ?? `target ${t.name}`} (${formatLocation(t.location)})`
  const first = new Map<string, Target>()
  for (const target of targets)
    if (target.promotionBranch !== undefined && !first.has(target.env))
      first.set(target.env, target)
  for (const target of targets) {
    const model = first.get(target.env)
    if (!model) continue
    if (target.promotionBranch !== model.promotionBranch)
      throw new ConfigError(
        target.location,
        target.promotionBranch === undefined
          ? `${target.origin ?? `target ${target.name}`} writes ${target.branch} directly, but ${describe(model)} hydrates environment ${target.env} to ${model.promotionBranch} (spec.sourceHydrator.hydrateTo); hydrate keeps one promotion branch per environment: give it the same hydrateTo`
          : `${target.origin ?? `target ${target.name}`} hydrates to ${target.promotionBranch}, but ${describe(model)} hydrates environment ${target.env} to ${model.promotionBranch}; hydrate keeps one promotion branch per environment`
      )
    if (target.branch !== model.branch)
      throw new ConfigError(
        target.location,
        `${target.origin ?? `target ${target.name}`} syncs from ${target.branch}, but ${describe(model)} syncs environment ${target.env} from ${model.branch}; with hydrateTo, an environment has one sync branch`
      )
  }
  const environments: PromotionEnvironment[] = [...first.values()]
    .sort((a, b) => a.env.localeCompare(b.env))
    .map(t => ({
      env: t.env,
      branch: t.branch,
      next: t.promotionBranch as string,
      autoMerge: false
    }))
  const branches = [...new Set(targets.map(t => t.branch))]
  const all = [...branches, ...environments.map(e => e.next)]
  for (const { env, next } of environments) {
    const model = first.get(env) as Target
    const problem = branchNameProblem(next)
    if (problem)
      throw new ConfigError(
        model.location,
        `spec.sourceHydrator.hydrateTo.targetBranch ${JSON.stringify(next)}: ${problem}`
      )
    const taken = targets.find(t => t.branch === next)
    if (taken)
      throw new ConfigError(
        model.location,
        `spec.sourceHydrator.hydrateTo.targetBranch ${next} is the branch ${describe(taken)} writes; the hydrateTo branch must differ from every sync branch`
      )
    const nested = all.find(b => b.startsWith(`${next}/`) || next.startsWith(`${b}/`))
    if (nested !== undefined)
      throw new ConfigError(
        model.location,
        `spec.sourceHydrator.hydrateTo.targetBranch ${next} cannot exist next to branch ${nested} (git stores one inside the other's name)`
      )
  }
  const nextOf = new Map(environments.map(e => [e.env, e.next]))
  return {
    targets: targets.map(t => {
      const next = nextOf.get(t.env)
      return next === undefined ? t : { ...t, environmentBranch: t.branch, branch: next }
    }),
    promotion: {
      environments,
      ordered: false,
      location: (first.values().next().value as Target).location
    }
  }
}

/** The environments in `promotion.order`, for reports that list environments; none without it. */
export function promotionOrder(config: HydrateConfig): string[] | undefined {
  const promotion = config.promotion
  return promotion?.ordered ? promotion.environments.map(e => e.env) : undefined
}
