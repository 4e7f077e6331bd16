import { parseAllDocuments } from 'yaml'
import type { JsonObject } from '../manifests/resource.js'
import { goField, goFoldName } from './kustomizationFields.js'

/** What a kustomization names, as written: the reverse index and the input guard resolve it. */
export interface NamedPath {
  field: string
  ref: string
}

/** Fields of kustomize's builtin plugin configs that name files it reads (Go-folded below). */
const PLUGIN_PATH_FIELDS = [
  'files',
  'envs',
  'env',
  'path',
  'paths',
  'valuesFile',
  'additionalValuesFiles',
  'chartHome'
]
/** Plugin configs decode as kustomizations do: keys match fields case-insensitively. */
const PLUGIN_PATH_KEYS = new Map(PLUGIN_PATH_FIELDS.map(f => [goFoldName(f), f]))

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

/**
 * What a plugin config reads: the files it names (`files`, `envs`, `path`, `valuesFile`, …),
 * the charts a HelmChartInflationGenerator inflates, and helm homes. Undefined if it does
 * not parse.
 */
export function pluginConfigPaths(
  text: string
): { paths: NamedPath[]; charts: InflatedChart[]; helmHomes: string[] } | undefined {
  let documents: unknown[]
  try {
    documents = parseAllDocuments(text, { merge: true }).map(d => d.toJS() as unknown)
  } catch {
    return undefined
  }
  const charts: InflatedChart[] = []
  const helmHomes: string[] = []
  for (const document of documents) {
    if (!document || typeof document !== 'object') continue
    const d = document as JsonObject
    const field = (name: string) => goField(d, name)
    if (field('kind') === 'HelmChartInflationGenerator') {
      const chartHome = field('chartHome')
      charts.push({
        name: field('name'),
        repo: field('repo'),
        version: field('version'),
        chartHome: typeof chartHome === 'string' ? chartHome : 'charts'
      })
    }
    helmHomes.push(...strings([field('configHome'), field('helmHome')]))
  }
  const named: NamedPath[] = []
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, key)
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value as JsonObject)) visit(v, k)
    else if (typeof value === 'string' && key) {
      const field = PLUGIN_PATH_KEYS.get(goFoldName(key))
      if (field) named.push({ field, ref: field === 'files' ? generatorFilePath(value) : value })
    }
  }
  for (const document of documents) visit(document, undefined)
  return { paths: named, charts, helmHomes }
}

/** A chart kustomize inflates: from `chartHome` (pulled there first when `repo` is set). */
export interface InflatedChart {
  name: unknown
  repo: unknown
  version: unknown
  chartHome: string
}

/**
 * The charts a kustomization inflates (`helmCharts`, and the deprecated
 * `helmChartInflationGenerator`), and any helm home it sets: helm loads plugins from there.
 */
export function helmChartsOf(k: JsonObject): { charts: InflatedChart[]; helmHomes: string[] } {
  const globals = (k.helmGlobals ?? {}) as JsonObject
  const chartHome = typeof globals.chartHome === 'string' ? globals.chartHome : 'charts'
  const objects = (value: unknown) =>
    asList(value).filter((c): c is JsonObject => !!c && typeof c === 'object')
  const charts = objects(k.helmCharts).map(c => ({
    name: c.name,
    repo: c.repo,
    version: c.version,
    chartHome
  }))
  const helmHomes = strings([globals.configHome])
  for (const g of objects(k.helmChartInflationGenerator)) {
    charts.push({
      name: g.chartName,
      repo: g.chartRepoUrl,
      version: g.chartVersion,
      chartHome: typeof g.chartHome === 'string' ? g.chartHome : 'charts'
    })
    helmHomes.push(...strings([g.helmHome]))
  }
  return { charts, helmHomes }
}

/** Paths the deprecated `helmChartInflationGenerator` entries name (values files). */
export function inflationValues(k: JsonObject): NamedPath[] {
  return asList(k.helmChartInflationGenerator).flatMap(g =>
    g && typeof g === 'object'
      ? strings([(g as JsonObject).values]).map(ref => ({
          field: 'helmChartInflationGenerator',
          ref
        }))
      : []
  )
}
