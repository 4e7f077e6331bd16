import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

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
export function isVendored(chartDir: string, dependency: ChartDependency): boolean {
  const charts = path.join(chartDir, 'charts')
  if (fs.existsSync(path.join(charts, dependency.name, 'Chart.yaml'))) return true
  try {
    return fs
      .readdirSync(charts)
      .some(f => f.startsWith(`${dependency.name}-`) && f.endsWith('.tgz'))
  } catch {
    return false
  }
}

export function needsDependencyBuild(chartDir: string): boolean {
  return readDependencies(chartDir).some(d => !isVendored(chartDir, d))
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
