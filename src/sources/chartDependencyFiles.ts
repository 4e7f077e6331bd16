import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

/** Where `helm dependency build` reads dependency repositories from. */
export const DEPENDENCY_FILES = [
  'Chart.yaml',
  'Chart.lock',
  'requirements.yaml',
  'requirements.lock'
]

/** A dependency with a repository, as one of a chart's files declares it. */
export interface DeclaredDependency {
  /** The file that declares it (one of DEPENDENCY_FILES). */
  file: string
  /** As written (not checked: messages only show it). */
  name: unknown
  repository: string
}

/**
 * The dependencies with a repository that a chart directory's files declare, file by file,
 * as `helm dependency build` reads them. An absent or unreadable file declares none: helm
 * reports what it needs.
 */
export function declaredDependencies(chartDir: string): DeclaredDependency[] {
  const declared: DeclaredDependency[] = []
  for (const file of DEPENDENCY_FILES) {
    let dependencies: unknown
    try {
      const text = fs.readFileSync(path.join(chartDir, file), 'utf8')
      dependencies = (parse(text) as { dependencies?: unknown } | null)?.dependencies
    } catch {
      continue
    }
    if (!Array.isArray(dependencies)) continue
    for (const d of dependencies as Array<{ name?: unknown; repository?: unknown } | null>)
      if (typeof d?.repository === 'string')
        declared.push({ file, name: d.name, repository: d.repository })
  }
  return declared
}
