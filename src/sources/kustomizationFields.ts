import { parse } from 'yaml'
import type { JsonObject } from '../manifests/resource.js'

/**
 * kustomize decodes a kustomization with Go's encoding/json, which matches a key to a field
 * case-insensitively (`RESOURCES` is `resources`; `ſ` folds to `s`, `K` to `k`). This
 * module reads a kustomization the same way: every key in a field position is renamed to
 * the field it names, so the input guard and the dependency index see what kustomize sees.
 */

/** A struct: its fields, each a leaf, a struct, or a list of structs. */
interface Struct {
  readonly [field: string]: Shape
}
type Shape = 'leaf' | Struct | { readonly items: Struct }

const GENERATOR: Struct = Object.fromEntries(
  ['name', 'namespace', 'behavior', 'literals', 'files', 'envs', 'env', 'options', 'type'].map(
    f => [f, 'leaf']
  )
)
const PATCH: Struct = { path: 'leaf', patch: 'leaf', target: 'leaf', options: 'leaf' }
const REPLACEMENT: Struct = { path: 'leaf', source: 'leaf', targets: 'leaf' }
const HELM_CHART: Struct = Object.fromEntries(
  [
    'name',
    'version',
    'repo',
    'releaseName',
    'namespace',
    'additionalValuesFiles',
    'valuesFile',
    'valuesInline',
    'valuesMerge',
    'includeCRDs',
    'skipHooks',
    'apiVersions',
    'kubeVersion',
    'nameTemplate',
    'skipTests',
    'debug'
  ].map(f => [f, 'leaf'])
)
const INFLATION: Struct = Object.fromEntries(
  [
    'chartName',
    'chartVersion',
    'chartRepoUrl',
    'chartHome',
    'chartRepoName',
    'helmBin',
    'helmHome',
    'values',
    'valuesLocal',
    'valuesMerge',
    'releaseName',
    'releaseNamespace',
    'extraArgs'
  ].map(f => [f, 'leaf'])
)

/** kustomize's Kustomization type, deprecated fields included (it still accepts them). */
const KUSTOMIZATION: Struct = {
  ...Object.fromEntries(
    [
      'apiVersion',
      'kind',
      'metadata',
      'openapi',
      'namePrefix',
      'nameSuffix',
      'namespace',
      'commonLabels',
      'labels',
      'commonAnnotations',
      'patchesStrategicMerge',
      'images',
      'imageTags',
      'replicas',
      'vars',
      'sortOptions',
      'resources',
      'components',
      'crds',
      'bases',
      'generatorOptions',
      'configurations',
      'generators',
      'transformers',
      'validators',
      'buildMetadata'
    ].map(f => [f, 'leaf'])
  ),
  configMapGenerator: { items: GENERATOR },
  secretGenerator: { items: GENERATOR },
  patches: { items: PATCH },
  patchesJson6902: { items: PATCH },
  replacements: { items: REPLACEMENT },
  helmGlobals: { chartHome: 'leaf', configHome: 'leaf' },
  helmCharts: { items: HELM_CHART },
  helmChartInflationGenerator: { items: INFLATION }
}

/** A name as Go's encoding/json compares it: ASCII letters upper-cased, `ſ` and `K` folded. */
export function goFoldName(name: string): string {
  return name.replace(/[a-z\u017f\u212a]/g, c =>
    c === '\u017f' ? 'S' : c === '\u212a' ? 'K' : c.toUpperCase()
  )
}

const folded = new WeakMap<Struct, Map<string, string>>()

function fieldsOf(struct: Struct): Map<string, string> {
  let fields = folded.get(struct)
  if (!fields) {
    fields = new Map(Object.keys(struct).map(f => [goFoldName(f), f]))
    folded.set(struct, fields)
  }
  return fields
}

function isObject(value: unknown): value is JsonObject {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}

/**
 * `value` with its keys renamed to the fields of `struct` they name. Two keys naming one
 * field (kustomize keeps the last, merge keys aside) are reported: which one counts is not
 * worth guessing.
 */
function canonical(value: unknown, shape: Shape, at: string, twice: string[]): unknown {
  if (shape === 'leaf') return value
  if ('items' in shape && typeof shape.items === 'object')
    return Array.isArray(value)
      ? value.map((item, i) => canonical(item, shape.items as Struct, `${at}[${i}]`, twice))
      : value
  if (!isObject(value)) return value
  const struct = shape as Struct
  const fields = fieldsOf(struct)
  const result: JsonObject = {}
  for (const [key, item] of Object.entries(value)) {
    const field = fields.get(goFoldName(key))
    if (field === undefined) {
      result[key] = item
      continue
    }
    if (Object.hasOwn(result, field)) twice.push(`${at}${field}`)
    result[field] = canonical(item, struct[field] as Shape, `${at}${field}.`, twice) as never
  }
  return result
}

/** A kustomization as kustomize reads its fields, and keys that name one field twice. */
export function kustomizationFields(document: unknown): {
  kustomization: JsonObject
  duplicates: string[]
} {
  const duplicates: string[] = []
  const kustomization = canonical(document ?? {}, KUSTOMIZATION, '', duplicates)
  return { kustomization: isObject(kustomization) ? kustomization : {}, duplicates }
}

const writtenTwice = new WeakMap<JsonObject, string[]>()

/**
 * A kustomization file's text, parsed as kustomize parses it (YAML merge keys `<<` apply),
 * its fields read as kustomize reads them. Throws when it does not parse.
 */
export function parseKustomization(text: string): JsonObject {
  const { kustomization, duplicates } = kustomizationFields(parse(text, { merge: true }) as unknown)
  if (duplicates.length) writtenTwice.set(kustomization, duplicates)
  return kustomization
}

/** The fields a kustomization from parseKustomization writes twice (`resources` and `RESOURCES`). */
export function fieldsWrittenTwice(kustomization: JsonObject): string[] {
  return writtenTwice.get(kustomization) ?? []
}

/** The value of `object`'s key that names `field` as Go's encoding/json matches it (the last). */
export function goField(object: JsonObject, field: string): unknown {
  const want = goFoldName(field)
  let found: unknown
  for (const [key, value] of Object.entries(object)) if (goFoldName(key) === want) found = value
  return found
}
