import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { archiveFiles } from './chartArchive.js'

// What a local chart reads besides itself: read by the config, the reverse index and helm.

export interface ChartDependency {
  name: string
  version?: string
  repository?: string
}

export function readDependencies(chartDir: string): ChartDependency[] {
  const chart = parse(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as {
    dependencies?: ChartDependency[]
  } | null
  return Array.isArray(chart?.dependencies) ? chart.dependencies : []
}

/** A dependency is vendored when charts/ holds its directory or a packaged `<name>-*.tgz`. */
/** A Chart.yaml's `name`, or undefined. */
function chartName(text: string): string | undefined {
  try {
    const name = (parse(text) as { name?: unknown } | null)?.name
    return typeof name === 'string' ? name : undefined
  } catch {
    return undefined
  }
}

/**
 * The names of the charts vendored in `charts/`, as helm matches dependencies: by each
 * subchart's own Chart.yaml name (a directory, or a packaged archive), not by file names.
 */
export function vendoredChartNames(chartDir: string): Set<string> {
  const charts = path.join(chartDir, 'charts')
  const names = new Set<string>()
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(charts, { withFileTypes: true })
  } catch {
    return names
  }
  for (const entry of entries) {
    const file = path.join(charts, entry.name)
    let name: string | undefined
    if (entry.isDirectory() || entry.isSymbolicLink()) {
      try {
        name = chartName(fs.readFileSync(path.join(file, 'Chart.yaml'), 'utf8'))
      } catch {
        name = undefined // not a chart directory
      }
    } else if (entry.name.endsWith('.tgz')) {
      const [chart] = archiveFiles(file, n => /^[^/]+\/Chart\.yaml$/.test(n))
      name = chart && chartName(chart.text)
    }
    if (name) names.add(name)
  }
  return names
}

export function isVendored(chartDir: string, dependency: ChartDependency): boolean {
  return vendoredChartNames(chartDir).has(dependency.name)
}

export function needsDependencyBuild(chartDir: string): boolean {
  const vendored = vendoredChartNames(chartDir) // read charts/ once, not per dependency
  return readDependencies(chartDir).some(d => !vendored.has(d.name))
}

/** Repo-relative directories of a chart's `file://` dependencies, recursively. */
export function fileDependencies(
  repoRoot: string,
  chartSource: string,
  seen = new Set<string>()
): string[] {
  if (seen.has(chartSource)) return []
  seen.add(chartSource)
  const chartDir = path.join(repoRoot, chartSource)
  if (!fs.existsSync(path.join(chartDir, 'Chart.yaml'))) return []
  const result: string[] = []
  for (const dependency of readDependencies(chartDir)) {
    if (!dependency.repository?.startsWith('file://')) continue
    const relative = path.relative(
      repoRoot,
      path.resolve(chartDir, dependency.repository.slice('file://'.length))
    )
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue
    const posix = relative.split(path.sep).join('/')
    result.push(posix, ...fileDependencies(repoRoot, posix, seen))
  }
  return result
}
