import { ConfigError } from '../errors.js'
import type { HydrateConfig } from './types.js'

/** A branch the dry source lives on → why it is one (`the repository's default branch`). */
export type DryBranches = ReadonlyMap<string, string>

/**
 * Hydrated output written to the branch it is rendered from would replace the source (and a
 * PR diff against it would compare nothing): no target, environment or promotion branch may
 * be a dry branch. A configuration error at the target that names it.
 */
export function refuseDryBranches(config: HydrateConfig, dry: DryBranches): void {
  if (dry.size === 0) return
  for (const target of config.allTargets) {
    for (const branch of [target.branch, target.environmentBranch, target.promotionBranch]) {
      const why = branch === undefined ? undefined : dry.get(branch)
      if (why)
        throw new ConfigError(
          target.location,
          `target ${target.name}: branch ${JSON.stringify(branch)} is ${why}, where the manifests are rendered from; hydrated output goes to its own branch (e.g. env/${target.env})`
        )
    }
  }
  for (const environment of config.promotion?.environments ?? [])
    for (const branch of [environment.branch, environment.next]) {
      const why = dry.get(branch)
      if (why)
        throw new ConfigError(
          (config.promotion as NonNullable<HydrateConfig['promotion']>).location,
          `promotion: environment ${environment.env} uses branch ${JSON.stringify(branch)}, which is ${why}`
        )
    }
}
