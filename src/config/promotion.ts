import type { Node, YAMLMap } from 'yaml'
import { fillTemplate, placeholdersOf } from './discover.js'
import type { PromotionEnvironment, PromotionSettings, Target } from './types.js'
import { branchNameProblem } from './validate.js'
import type { YamlReader } from './yamlReader.js'

// `promotion:` of hydrate.yaml (DESIGN §7a): read with positions, then checked against the
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
    promotion: { environments, location: reader.locate(node) }
  }
}
