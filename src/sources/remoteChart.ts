import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { ChartDependency } from './chart.js'

/**
 * A chart fetched from outside the repository: a name in an http(s) chart repository, or an
 * oci:// reference. Named in hydrate.yaml, in a Chart.yaml's dependencies, or in a
 * kustomization's helmCharts.
 */
export interface RemoteChart {
  /** The http(s) chart repository; undefined for an oci:// reference. */
  repo?: string
  /** The chart's name in `repo`, or the whole oci:// reference. */
  chart: string
  version?: string
}

/** One exact semver: what helm's `--version` matches exactly one release with. */
const EXACT_VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/
const OCI_DIGEST = /@sha256:[0-9a-f]{64}$/

export function isExactVersion(version: string | undefined): version is string {
  return version !== undefined && EXACT_VERSION.test(version.trim())
}

/**
 * Pinned: an exact version, or an oci:// reference by digest. A pinned chart is an immutable
 * input: what it renders changes only when its reference does.
 */
export function isPinned(chart: RemoteChart): boolean {
  return isExactVersion(chart.version) || OCI_DIGEST.test(chart.chart)
}

/** The name the chart's own Chart.yaml carries: the last segment of an oci:// reference. */
export function remoteChartName(chart: RemoteChart): string {
  if (chart.repo !== undefined) return chart.chart
  return (chart.chart.split('/').pop() ?? chart.chart)
    .replace(/@sha256:.*$/, '')
    .replace(/:.*$/, '')
}

export function describeRemoteChart(chart: RemoteChart): string {
  return chart.repo !== undefined ? `${chart.chart} from ${chart.repo}` : chart.chart
}

/** Why a reference is not an immutable input, for the log and the affected reason. */
export function notPinnedReason(chart: RemoteChart): string {
  const version =
    chart.version === undefined || chart.version.trim() === ''
      ? 'it names no version'
      : `version ${JSON.stringify(chart.version)} is a range`
  return `chart ${describeRemoteChart(chart)} is not pinned to a version (${version})`
}

/** A Chart.yaml dependency as a remote chart; undefined for file:// and named (`@repo`) ones. */
export function dependencyChart(dependency: ChartDependency): RemoteChart | undefined {
  const repository = dependency.repository?.trim()
  if (!repository) return undefined
  if (repository.startsWith('oci://'))
    return {
      chart: `${repository.replace(/\/+$/, '')}/${dependency.name}`,
      version: dependency.version
    }
  if (/^https?:\/\//.test(repository))
    return { repo: repository, chart: dependency.name, version: dependency.version }
  return undefined
}

/**
 * The versions a chart's Chart.lock pins, by dependency name and repository: what
 * `helm dependency build` downloads when the lock is present.
 */
export function lockedVersions(chartDir: string): Map<string, string> {
  const versions = new Map<string, string>()
  let lock: unknown
  try {
    lock = parse(fs.readFileSync(path.join(chartDir, 'Chart.lock'), 'utf8'))
  } catch {
    return versions // no lock, or one helm itself rejects
  }
  const entries = (lock as { dependencies?: unknown } | null)?.dependencies
  if (!Array.isArray(entries)) return versions
  for (const entry of entries as Array<Partial<ChartDependency> | null>)
    if (typeof entry?.name === 'string' && typeof entry.version === 'string')
      versions.set(lockKey(entry.name, entry.repository), entry.version)
  return versions
}

export function lockKey(name: string, repository: string | undefined): string {
  return `${name}\u0000${(repository ?? '').replace(/\/+$/, '')}`
}
