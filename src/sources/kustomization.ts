import { parseAllDocuments } from 'yaml'
import type { JsonObject } from '../manifests/resource.js'

/** What a kustomization names, as written: the reverse index and the input guard resolve it. */
export interface NamedPath {
  field: string
  ref: string
}

/** Fields of kustomize's builtin plugin configs that name files it reads. */
const PLUGIN_PATH_KEYS = new Set([
  'files',
  'envs',
  'env',
  'path',
  'paths',
  'valuesFile',
  'additionalValuesFiles',
  'chartHome'
])

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
}

function strings(values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v !== '' && !v.includes('\n'))
}

/** `key=path` or `path`: the path of a generator's `files` entry. */
export function generatorFilePath(entry: string): string {
  return entry.slice(entry.indexOf('=') + 1)
}

/** The sources of a kustomization's configMapGenerator or secretGenerator entries. */
export function generatorSources(
  k: JsonObject,
  field: 'configMapGenerator' | 'secretGenerator'
): { literals: string[]; envs: string[]; files: string[] } {
  const result = { literals: [] as string[], envs: [] as string[], files: [] as string[] }
  for (const generator of asList(k[field])) {
    if (!generator || typeof generator !== 'object') continue
    const g = generator as JsonObject
    result.literals.push(...strings(asList(g.literals)))
    result.envs.push(...strings([...asList(g.envs), ...asList(g.env)]))
    result.files.push(...strings(asList(g.files)).map(generatorFilePath))
  }
  return result
}

/** Every plain file or directory reference of a kustomization (not plugins, not charts). */
export function kustomizationPaths(k: JsonObject): NamedPath[] {
  const named: NamedPath[] = []
  const add = (field: string, values: unknown[]) =>
    named.push(...strings(values).map(ref => ({ field, ref })))
  for (const field of ['resources', 'bases', 'components', 'crds', 'configurations'])
    add(field, asList(k[field]))
  add('patchesStrategicMerge', asList(k.patchesStrategicMerge))
  for (const field of ['patches', 'patchesJson6902', 'replacements'])
    add(
      field,
      asList(k[field]).map(e => (e && typeof e === 'object' ? (e as JsonObject).path : undefined))
    )
  if (k.openapi && typeof k.openapi === 'object') add('openapi', [(k.openapi as JsonObject).path])
  for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
    const { envs, files } = generatorSources(k, field)
    add(`${field}.files`, files)
    add(`${field}.envs`, envs)
  }
  for (const chart of asList(k.helmCharts))
    if (chart && typeof chart === 'object') {
      const c = chart as JsonObject
      add('helmCharts values', [c.valuesFile, ...asList(c.additionalValuesFiles)])
    }
  return named
}

/** `generators:`/`transformers:`/`validators:` entries: plugin config files or inline documents. */
export function pluginEntries(k: JsonObject): Array<{ field: string; entry: string }> {
  return ['generators', 'transformers', 'validators'].flatMap(field =>
    asList(k[field])
      .filter((e): e is string => typeof e === 'string' && e !== '')
      .map(entry => ({ field, entry }))
  )
}

/** The files a plugin config names (`files`, `envs`, `path`, `valuesFile`, …); undefined if it does not parse. */
export function pluginConfigPaths(text: string): NamedPath[] | undefined {
  let documents: unknown[]
  try {
    documents = parseAllDocuments(text).map(d => d.toJS() as unknown)
  } catch {
    return undefined
  }
  const named: NamedPath[] = []
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, key)
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value as JsonObject)) visit(v, k)
    else if (typeof value === 'string' && key && PLUGIN_PATH_KEYS.has(key))
      named.push({ field: key, ref: key === 'files' ? generatorFilePath(value) : value })
  }
  for (const document of documents) visit(document, undefined)
  return named
}

/** kustomize `helmCharts`: where local charts live and which charts are named. */
export function helmChartsOf(k: JsonObject): {
  chartHome: string
  charts: Array<{ name: unknown; repo: unknown }>
} {
  const globals = (k.helmGlobals ?? {}) as JsonObject
  return {
    chartHome: typeof globals.chartHome === 'string' ? globals.chartHome : 'charts',
    charts: asList(k.helmCharts)
      .filter((c): c is JsonObject => !!c && typeof c === 'object')
      .map(c => ({ name: c.name, repo: c.repo }))
  }
}
