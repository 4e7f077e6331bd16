import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { resolveInsideRepo } from '../config/paths.js'
import { isObject } from './manifests.js'
import { getOwn, setOwn } from '../security/ownProperty.js'

// The files Argo CD Image Updater (and people) write next to a source: `.argocd-source.yaml`,
// then `.argocd-source-<app>.yaml`, each a JSON merge patch (RFC 7386) over the Application's
// source (reposerver/repository/repository.go, mergeSourceParameters). Only the tools' sections
// change: chart, path, repoURL and targetRevision stay the Application's.

const KEPT = ['chart', 'path', 'repoURL', 'targetRevision']

/** Why an override file cannot be merged (becomes the Application's finding). */
export class SourceOverrideError extends Error {}

/** The source with the override files of its directory merged in, and the files read. */
export function mergeSourceOverrides(
  source: Record<string, unknown>,
  repoRoot: string,
  sourceDir: string,
  appName: string
): { source: Record<string, unknown>; files: string[] } {
  const names = ['.argocd-source.yaml', ...(appName ? [`.argocd-source-${appName}.yaml`] : [])]
  let merged: unknown = structuredClone(source)
  const files: string[] = []
  for (const name of names) {
    const file = sourceDir ? `${sourceDir}/${name}` : name
    const stat = fs.statSync(path.join(repoRoot, file), { throwIfNoEntry: false })
    const inside = resolveInsideRepo(repoRoot, file)
    if (!inside.ok) throw new SourceOverrideError(inside.reason)
    if (!stat || stat.isDirectory()) continue
    let patch: unknown
    try {
      patch = parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'))
    } catch (error) {
      throw new SourceOverrideError(`${file} does not parse: ${String(error).split('\n')[0]}`)
    }
    merged = mergePatch(merged, patch ?? null)
    files.push(file)
  }
  if (!isObject(merged))
    throw new SourceOverrideError(`${files.join(', ')} replace the source with a non-mapping`)
  for (const key of KEPT) {
    if (source[key] === undefined) delete merged[key]
    else merged[key] = source[key]
  }
  return { source: merged, files }
}

/** RFC 7386 JSON merge patch (evanphx/json-patch MergePatch). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else setOwn(out, key, mergePatch(getOwn(out, key), value))
  }
  return out
}
