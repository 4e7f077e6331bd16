import { diffTargets, type DiffSide } from '../diff/targets.js'
import { reviewSettings } from '../diff/reviewSettings.js'
import type { DiffReport } from '../diff/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { asHydrated, diffOrder } from '../hydrate/branchOutput.js'
import type { Logger } from '../logger.js'
import type { Finding } from '../policy/types.js'
import { checkRisks } from '../risk/index.js'
import { withPullRequestPolicies } from './pullRequestPolicies.js'
import type { RepositoryRender } from './render.js'

// The two rendered sides of a diff compared: target by target, resource by resource, with the
// review settings and policies as the base has them, into the diff report.

function sideOf(render: RepositoryRender | undefined, side: 'base' | 'head'): DiffSide {
  return render
    ? {
        targets: render.config.targets,
        // What the diff compares is what the branches hold (and a base read from its branch
        // gives): the hydrated key order, and for `layout: resources` the files' order.
        rendered: render.rendered.map(r => {
          const resources = asHydrated(r.target, r.resources)
          return { ...r, resources: side === 'base' ? diffOrder(r.target, resources) : resources }
        }),
        failures: render.failures,
        selected: new Set([...render.rendered, ...render.failures].map(r => r.target.name))
      }
    : { targets: [], rendered: [], failures: [], selected: new Set<string>() }
}

/**
 * The report of two rendered sides; `fromBranches` base targets were read from their
 * environment branch, not rendered.
 */
export async function compareSides(options: {
  git: GitCommandManager
  baseSha: string
  headSha: string
  head: RepositoryRender
  base: RepositoryRender | undefined
  fromBranches: number
  logger: Logger
}): Promise<DiffReport> {
  const { git, baseSha, headSha, head, base, fromBranches, logger } = options
  const sides = { base: sideOf(base, 'base'), head: sideOf(head, 'head') }
  // Ignore rules and noise as the base has them: the change's own apply once merged.
  const review = reviewSettings(head.config.diff, base?.config.diff)
  if (review.withheld)
    logger.warning(
      `this change adds ${review.described.join(', ')}; this diff shows with the base's settings; they apply once merged`
    )
  const targets = diffTargets(sides.base, sides.head, review.settings, review.withheld)
  const policies = await withPullRequestPolicies(git, baseSha, head, base)
  const renderedOn = (side: RepositoryRender | undefined, fromBranch: number) =>
    side ? side.rendered.length + side.failures.length - fromBranch : 0
  return {
    base: baseSha,
    head: headSha,
    targets,
    // The risk rules compare the two sides, so they run here, not in the render's policy.
    findings: [
      ...markPreExisting(policies.head, policies.base),
      ...checkRisks(sides.base, sides.head, head.config.policy)
    ],
    rendering: {
      rendered: { base: renderedOn(base, fromBranches), head: renderedOn(head, 0) },
      fromBranches
    }
  }
}

/** Head findings that the base has too are marked pre-existing: this change did not add them. */
export function markPreExisting(head: readonly Finding[], base: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.target}\u0000${f.resource}\u0000${f.rule}\u0000${f.message}`
  const before = new Set(base.map(key))
  return head.map(f => (before.has(key(f)) ? { ...f, preExisting: true } : { ...f }))
}
