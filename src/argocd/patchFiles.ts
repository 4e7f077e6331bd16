import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { findKustomization } from '../sources/kind.js'
import { isObject } from './manifests.js'

// A file next to a kustomization that names it as a patch holds part of an Application (a
// strategic-merge patch), not an Application Argo CD reads on its own: repositories that
// build their Applications with kustomize keep one per cluster directory.

/** The files of `files` (repo-relative) that their directory's kustomization patches with. */
export function kustomizePatchFiles(
  repoRoot: string,
  files: Iterable<string>
): Map<string, string> {
  const patches = new Map<string, string>()
  const dirs = new Set([...files].map(file => path.posix.dirname(file)))
  for (const dir of dirs) {
    const name = findKustomization(path.join(repoRoot, dir))
    if (!name) continue
    const kustomization = dir === '.' ? name : `${dir}/${name}`
    let document: unknown
    try {
      document = parse(fs.readFileSync(path.join(repoRoot, kustomization), 'utf8'))
    } catch {
      continue
    }
    if (!isObject(document)) continue
    for (const patch of patchPaths(document))
      patches.set(path.posix.normalize(path.posix.join(dir, patch)), kustomization)
  }
  return patches
}

function patchPaths(kustomization: Record<string, unknown>): string[] {
  const list = (key: string) => (Array.isArray(kustomization[key]) ? kustomization[key] : [])
  return [
    ...list('patches').map(p => (isObject(p) ? p.path : undefined)),
    ...list('patchesJson6902').map(p => (isObject(p) ? p.path : undefined)),
    ...list('patchesStrategicMerge')
  ].filter((p): p is string => typeof p === 'string' && !p.includes('\n'))
}
