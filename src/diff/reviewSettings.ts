import { isDeepStrictEqual } from 'node:util'
import type { DiffSettings } from '../config/types.js'
import type { Resource } from '../manifests/resource.js'
import { ignoredDifferences } from './ignore.js'

/** The settings a pull request's diff is shown with, and what the change itself adds. */
export interface ReviewSettings {
  /** The base's hiding settings (as far as the head keeps them); the head's context. */
  settings: DiffSettings
  /** What the change adds that would hide fields (new ignore rules, noise turned on); they apply once merged. */
  withheld?: DiffSettings
  /** The withheld settings, as a reader names them. */
  described: string[]
}

const NO_CONFIG: Pick<DiffSettings, 'noise' | 'ignore'> = { noise: true, ignore: [] }

/**
 * A change cannot hide what it changes from its own review: ignore rules and noise apply as
 * the base has them (a base without a config: the defaults). A rule or noise the change
 * drops shows more, so it takes effect now; what it adds waits for the merge.
 */
export function reviewSettings(
  head: DiffSettings,
  base: Pick<DiffSettings, 'noise' | 'ignore'> | undefined
): ReviewSettings {
  const before = base ?? NO_CONFIG
  const kept = head.ignore.filter(rule => before.ignore.some(b => isDeepStrictEqual(b, rule)))
  const added = head.ignore.filter(rule => !before.ignore.some(b => isDeepStrictEqual(b, rule)))
  const noiseAdded = head.noise && !before.noise
  const settings = { context: head.context, noise: head.noise && before.noise, ignore: kept }
  if (added.length === 0 && !noiseAdded) return { settings, described: [] }
  const described = [
    ...(noiseAdded ? ['diff.noise'] : []),
    ...added.map(rule => `diff.ignore ${JSON.stringify(rule)}`)
  ]
  return {
    settings,
    withheld: { context: head.context, noise: noiseAdded, ignore: added },
    described
  }
}

/**
 * The fields of a target's changed resources that the withheld settings would hide once
 * merged (names only, never values): what a reviewer should know the new rule is for.
 */
export function wouldHide(
  before: readonly Resource[],
  after: readonly Resource[],
  withheld: DiffSettings
): string[] {
  const old = new Map(before.map(r => [r.id, r]))
  const fields = new Set<string>()
  for (const resource of after) {
    const previous = old.get(resource.id)
    if (!previous || previous.yaml === resource.yaml) continue
    for (const field of ignoredDifferences(previous.object, resource.object, resource, withheld))
      fields.add(`${field} in ${resource.kind} ${resource.name}`)
  }
  return [...fields].sort()
}
