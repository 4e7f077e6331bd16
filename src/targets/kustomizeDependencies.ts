import fs from 'node:fs'
import path from 'node:path'
import { getErrorMessage } from '../errors.js'
import type { KustomizeEdits } from '../config/types.js'
import { nestedKustomizations as kustomizationsBelow } from '../sources/directory.js'
import { fieldsWrittenTwice, parseKustomization } from '../sources/kustomizationFields.js'
import {
  helmChartsOf,
  inflationValues,
  kustomizationPaths,
  type InflatedChart,
  pluginConfigPaths,
  pluginEntries
} from '../sources/kustomization.js'
import type { RemoteChart } from '../sources/remoteChart.js'
import type { DependencyWalk } from './dependencyWalk.js'
import { helmChart, remoteChart } from './helmDependencies.js'

// What a kustomization reads: every field that names a file, a directory or a remote, the
// kustomizations it names in turn, plugin configs, and the charts it inflates.

/** Every field of a kustomization that names a file, a directory or a remote. */
export function kustomization(walk: DependencyWalk, logical: string): void {
  // kustomize loads a kustomization from its real directory: relative references in it
  // resolve from there. The path as written still counts (a symlink on it may change).
  const dir = walk.real(logical)
  if (dir === undefined) {
    walk.deps.files.add(logical) // the input guard refuses where it leads
    return
  }
  if (dir !== logical) walk.deps.files.add(logical)
  if (walk.visited.has(dir)) return
  walk.visited.add(dir)
  const file = walk.facts.kustomizationFile(path.join(walk.repoRoot, dir))
  if (!file) {
    walk.deps.unresolved.push(`${dir}: no kustomization file`)
    return
  }
  const kustomizationPath = dir ? `${dir}/${file}` : file
  walk.addFile(kustomizationPath)
  walk.deps.structure.files.add(kustomizationPath)
  walk.deps.kustomizations.push(kustomizationPath)
  if (!walk.parsed.has(kustomizationPath)) {
    try {
      const text = fs.readFileSync(path.join(walk.repoRoot, kustomizationPath), 'utf8')
      walk.parsed.set(kustomizationPath, parseKustomization(text))
    } catch {
      walk.parsed.set(kustomizationPath, undefined)
    }
  }
  const k = walk.parsed.get(kustomizationPath)
  if (!k) {
    walk.deps.unresolved.push(`${kustomizationPath} does not parse`)
    return
  }
  for (const field of fieldsWrittenTwice(k))
    walk.deps.refused.push({
      dir,
      field,
      ref: kustomizationPath,
      why: 'is written twice (in two letter cases, or through a merge key); kustomize reads one of them'
    })
  for (const { field, ref } of kustomizationPaths(k)) addReference(walk, dir, ref, field)
  for (const { field, entry } of pluginEntries(k)) pluginConfig(walk, dir, entry, field)
  for (const { field, ref } of inflationValues(k)) addReference(walk, dir, ref, field)
  const { charts, helmHomes } = helmChartsOf(k)
  for (const chart of charts) inflatedChart(walk, dir, chart, 'helmCharts')
  for (const home of helmHomes) refuseHelmHome(walk, dir, home)
}

/** Argo CD's kustomize options add components and patch files, named from the source. */
export function kustomizeEdits(walk: DependencyWalk, dir: string, edits: KustomizeEdits): void {
  for (const component of edits.components)
    addReference(walk, dir, component, 'components (Argo CD kustomize.components)')
  for (const patch of edits.patches) {
    const file = (patch as { path?: unknown } | null)?.path
    if (typeof file === 'string')
      addReference(walk, dir, file, 'patches (Argo CD kustomize.patches)')
  }
}

/** The kustomization directories of a plain directory target, which kustomize builds. */
export function nestedKustomizations(walk: DependencyWalk, dir: string): void {
  let nested: string[]
  try {
    nested = kustomizationsBelow(walk.repoRoot, dir)
  } catch (error) {
    walk.deps.unresolved.push(`${dir || '.'}: cannot list (${getErrorMessage(error)})`)
    return
  }
  for (const below of nested) kustomization(walk, below)
}

/** A file or directory reference: directories with a kustomization are followed. */
function addReference(walk: DependencyWalk, dir: string, ref: unknown, field: string): void {
  if (typeof ref !== 'string' || ref === '' || ref.includes('\n')) return
  const resolved = walk.resolve(dir, ref, field)
  if (resolved === undefined) return
  if (walk.isDirectory(resolved)) {
    if (walk.facts.kustomizationFile(path.join(walk.repoRoot, resolved)))
      kustomization(walk, resolved)
    else walk.addDirectory(resolved, false)
  } else {
    walk.addFile(resolved)
  }
}

/**
 * A chart kustomize inflates. Its whole chartHome is read (kustomize also looks in
 * `<name>-<version>/<name>` there); a `repo` is a remote fetch.
 */
function inflatedChart(
  walk: DependencyWalk,
  dir: string,
  chart: InflatedChart,
  field: string
): void {
  const home = walk.resolve(dir, chart.chartHome, `${field} chartHome`)
  if (home !== undefined && walk.isDirectory(home)) walk.addDirectory(home, true)
  if (chart.repo !== undefined) {
    const ref = String(chart.repo)
    // The input guard decides whether the fetch is allowed; the index, whether it can change.
    walk.deps.remote.push({ dir, field: `${field} repo`, ref })
    if (typeof chart.name !== 'string' || typeof chart.repo !== 'string')
      walk.deps.unresolved.push(`${dir || '.'}: remote helm chart ${ref} ${String(chart.name)}`)
    else remoteChart(walk, inflatedRemote(chart.repo, chart.name, chart.version), dir)
    return
  }
  if (typeof chart.name !== 'string' || home === undefined) return
  const local = `${home ? `${home}/` : ''}${chart.name}`
  if (walk.isDirectory(local)) helmChart(walk, local)
  else walk.addDirectory(local, false)
}

/** A helm home inside the repository would let its content install helm plugins: refused. */
function refuseHelmHome(walk: DependencyWalk, dir: string, home: string): void {
  walk.deps.refused.push({ dir, field: 'helm home', ref: home })
}

/**
 * A `generators:`/`transformers:`/`validators:` entry: a file (or an inline document) of
 * builtin plugin configs, whose own `files`, `envs`, `path`, `valuesFile`, … name more
 * files, read relative to the kustomization.
 */
function pluginConfig(walk: DependencyWalk, dir: string, entry: string, field: string): void {
  let text: string | undefined
  if (entry.includes('\n')) {
    text = entry
  } else {
    addReference(walk, dir, entry, field)
    const resolved = walk.resolve(dir, entry, field)
    if (resolved === undefined || walk.isDirectory(resolved)) return
    walk.deps.structure.files.add(resolved)
    try {
      text = fs.readFileSync(path.join(walk.repoRoot, resolved), 'utf8')
    } catch {
      return // missing: kustomize reports it
    }
  }
  const read = pluginConfigPaths(text)
  if (!read) {
    walk.deps.unresolved.push(`${dir || '.'}: ${field} entry does not parse`)
    return
  }
  for (const { field: key, ref } of read.paths) addReference(walk, dir, ref, `${field} ${key}`)
  for (const chart of read.charts) inflatedChart(walk, dir, chart, field)
  for (const home of read.helmHomes) refuseHelmHome(walk, dir, home)
}

/** A kustomize helmCharts entry as a remote chart: an oci:// repo holds the chart by name. */
function inflatedRemote(repo: string, name: string, version: unknown): RemoteChart {
  const pinned =
    typeof version === 'string' || typeof version === 'number' ? String(version) : undefined
  return repo.startsWith('oci://')
    ? { chart: `${repo.replace(/\/+$/, '')}/${name}`, version: pinned }
    : { repo, chart: name, version: pinned }
}
