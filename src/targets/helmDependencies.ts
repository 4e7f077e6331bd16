import path from 'node:path'
import { fileDependencies, isVendored, readDependencies } from '../sources/chart.js'
import {
  dependencyChart,
  isExactVersion,
  isPinned,
  lockedVersions,
  lockKey,
  notPinnedReason,
  type RemoteChart
} from '../sources/remoteChart.js'
import type { DependencyWalk } from './dependencyWalk.js'

// What a helm chart reads: its directory, its file:// dependencies, and whether its remote
// charts are pinned.

/** A local chart: its directory, its file:// dependencies, and remote dependencies are unresolved. */
export function helmChart(walk: DependencyWalk, dir: string): void {
  walk.addDirectory(dir, true)
  walk.deps.structure.directories.add(dir)
  for (const dependency of fileDependencies(walk.repoRoot, dir)) {
    walk.addDirectory(dependency, true)
    walk.deps.structure.directories.add(dependency)
  }
  for (const chartDir of [dir, ...fileDependencies(walk.repoRoot, dir)]) {
    const absolute = path.join(walk.repoRoot, chartDir)
    let dependencies: ReturnType<typeof readDependencies>
    try {
      dependencies = readDependencies(absolute)
    } catch {
      walk.deps.unresolved.push(`${chartDir}/Chart.yaml does not parse`)
      continue
    }
    const locked = lockedVersions(absolute)
    for (const d of dependencies) {
      if (!d.repository || d.repository.startsWith('file://') || isVendored(absolute, d)) continue
      const remote = dependencyChart(d)
      if (remote === undefined) {
        walk.deps.unresolved.push(
          `${chartDir}: remote chart dependency ${d.name} from ${d.repository}`
        )
        continue
      }
      // With a Chart.lock, `helm dependency build` fetches the locked version.
      const lockedVersion = locked.get(lockKey(d.name, d.repository))
      remoteChart(
        walk,
        isExactVersion(lockedVersion) ? { ...remote, version: lockedVersion } : remote,
        chartDir
      )
    }
  }
}

/** A remote chart: pinned, it is named by a file already indexed; else always affected. */
export function remoteChart(walk: DependencyWalk, chart: RemoteChart, where: string): void {
  if (!isPinned(chart)) walk.deps.unpinned.push(`${where || '.'}: ${notPinnedReason(chart)}`)
}
