import { isObject } from './manifests.js'
import { getOwn, setOwn } from '../security/ownProperty.js'

// applicationset/generators/merge.go: the children are evaluated on their own — Transform is
// called with empty parameters (:165), so unlike matrix nothing is interpolated — then each
// later child's sets are merged into the first's sets with the same values of mergeKeys.

type Params = Record<string, unknown>

/** ErrNonUniqueParamSets and the other refusals of merge.go, as the ApplicationSet's error. */
export class MergeGeneratorError extends Error {}

/**
 * The merged sets: the first child's, in its order (Argo CD's come in Go's map order, which
 * only orders the Applications), each with the matching set of every later child over it —
 * shallow (maps.Copy) in default mode, nested maps merged (mergo.WithOverride) in Go
 * template mode. A merge key is a top-level parameter name in both modes (:117).
 */
export function mergeParamSets(
  mergeKeys: readonly string[],
  children: readonly Params[][],
  goTemplate: boolean
): Params[] {
  const [base = [], ...others] = children
  const keys = [...new Set(mergeKeys)].sort()
  const merged = [...byMergeKey(keys, base).values()].map(params => ({ ...params }))
  const keyOf = (params: Params) => mergeKeyOf(keys, params)
  for (const other of others) {
    const overrides = byMergeKey(keys, other)
    merged.forEach((params, i) => {
      const override = overrides.get(keyOf(params))
      if (override)
        merged[i] = goTemplate ? mergoOverride(params, override) : { ...params, ...override }
    })
  }
  return merged
}

/** getParamSetsByMergeKey (:109): the sets by their key; two sets with one key fail. */
function byMergeKey(keys: readonly string[], sets: readonly Params[]): Map<string, Params> {
  const result = new Map<string, Params>()
  for (const params of sets) {
    const key = mergeKeyOf(keys, params)
    if (result.has(key))
      throw new MergeGeneratorError(
        `the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was ${key}`
      )
    result.set(key, params)
  }
  return result
}

/** Go's json.Marshal of map[mergeKey]paramSet[mergeKey]: keys sorted, a missing one null. */
function mergeKeyOf(keys: readonly string[], params: Params): string {
  return `{${keys.map(k => `${JSON.stringify(k)}:${JSON.stringify(params[k] ?? null)}`).join(',')}}`
}

/** mergo.Merge(dst, src, WithOverride) on parameter maps: nested maps merged, the rest replaced. */
function mergoOverride(dst: Params, src: Params): Params {
  const out: Params = { ...dst }
  for (const [key, value] of Object.entries(src)) {
    const existing = getOwn(out, key)
    setOwn(out, key, isObject(existing) && isObject(value) ? mergoOverride(existing, value) : value)
  }
  return out
}
