import fs from 'node:fs'
import path from 'node:path'
import { findKustomization } from '../sources/kind.js'
import { isObject, type FluxObject } from './objects.js'
import { VARIABLE_NAME } from './substitute.js'
import { setOwn } from '../security/ownProperty.js'

/** The cluster a file sits in: `clusters/<env>/…` (at any depth), else undefined. */
export function clusterOf(file: string): string | undefined {
  const parts = file.split('/')
  const at = parts.indexOf('clusters')
  return at !== -1 && parts.length > at + 2 ? parts[at + 1] : undefined
}

/** What a target needs from one Flux Kustomization, or why it has none. */
export type FluxPlan =
  | {
      ok: true
      /** Repo-relative directory of spec.path ('' for the root). */
      source: string
      /** Built by kustomize (it has a kustomization file) or generated as Flux does. */
      type: 'kustomize' | 'directory'
      spec: Record<string, unknown>
      /** postBuild variables (substituteFrom, then substitute), in Flux's precedence. */
      vars: Record<string, string>
      /** Repo files the variables were read from. */
      varFiles: string[]
    }
  | { ok: false; kind: 'skipped' | 'unsupported' | 'invalid'; message: string }

/** Fields Flux applies as kustomize edits: hydrate applies them to a kustomization only. */
export const EDIT_FIELDS = [
  'targetNamespace',
  'namePrefix',
  'nameSuffix',
  'images',
  'patches',
  'components',
  'commonMetadata'
] as const

/**
 * How one Kustomization (found in a file, or in another one's output) renders in `env`:
 * its source must be this repository, its path a directory in it, its variables found.
 */
export function planKustomization(
  kustomization: Pick<FluxObject, 'object' | 'namespace'>,
  env: string,
  repoRoot: string,
  others: readonly FluxObject[]
): FluxPlan {
  const spec = isObject(kustomization.object.spec) ? kustomization.object.spec : {}
  if (spec.suspend === true)
    return { ok: false, kind: 'skipped', message: 'it is suspended (spec.suspend: true)' }
  const sourceRef = isObject(spec.sourceRef) ? spec.sourceRef : {}
  const notOurs = otherSource(sourceRef, others)
  if (notOurs) return { ok: false, kind: 'skipped', message: notOurs }
  const declared = typeof spec.path === 'string' ? spec.path : ''
  // Flux reads spec.path from the source's root, `/` or not.
  const source = path.posix.normalize(`./${declared.replace(/^\/+/, '')}`).replace(/\/$/, '')
  if (source === '..' || source.startsWith('../'))
    return { ok: false, kind: 'invalid', message: `spec.path ${declared} leaves the repository` }
  const dir = source === '.' ? '' : source
  if (!fs.statSync(path.join(repoRoot, dir), { throwIfNoEntry: false })?.isDirectory())
    return {
      ok: false,
      kind: 'invalid',
      message: `spec.path ${declared || './'} is not a directory of the repository`
    }
  const type = findKustomization(path.join(repoRoot, dir)) ? 'kustomize' : 'directory'
  const edits = EDIT_FIELDS.filter(field => spec[field] !== undefined)
  if (type === 'directory' && edits.length > 0)
    return {
      ok: false,
      kind: 'unsupported',
      message: `${edits.join(', ')} on a path without a kustomization file (Flux generates one; hydrate does not edit it)`
    }
  const variables = postBuildVariables(spec, kustomization.namespace, env, others)
  if ('problem' in variables) return { ok: false, kind: 'invalid', message: variables.problem }
  return { ok: true, source: dir, type, spec, vars: variables.vars, varFiles: variables.files }
}

/** Why the Kustomization's source is not this repository, if it is not. */
function otherSource(sourceRef: Record<string, unknown>, others: readonly FluxObject[]) {
  const kind = typeof sourceRef.kind === 'string' ? sourceRef.kind : 'GitRepository'
  const name = typeof sourceRef.name === 'string' ? sourceRef.name : ''
  if (kind !== 'GitRepository') return `its source is ${kind} ${name}, not this repository`
  if (name === 'flux-system') return undefined
  const urlOf = (repo: string) => {
    const found = others.find(o => o.kind === 'GitRepository' && o.name === repo)
    const spec = found && isObject(found.object.spec) ? found.object.spec : {}
    return typeof spec.url === 'string' ? spec.url : undefined
  }
  const own = urlOf('flux-system')
  const url = urlOf(name)
  if (own !== undefined && url === own) return undefined
  return `its source is GitRepository ${name}${url ? ` (${url})` : ''}, not this repository's flux-system`
}

/**
 * postBuild's variables as Flux reads them: each substituteFrom in order (a later one wins),
 * then `substitute` over them all (its values without line breaks). A ConfigMap or Secret
 * must be in the repository, in this cluster's directory or outside every cluster's.
 */
function postBuildVariables(
  spec: Record<string, unknown>,
  namespace: string,
  env: string,
  others: readonly FluxObject[]
): { vars: Record<string, string>; files: string[] } | { problem: string } {
  const postBuild = isObject(spec.postBuild) ? spec.postBuild : {}
  const vars: Record<string, string> = {}
  const files: string[] = []
  const from = Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : []
  for (const reference of from) {
    if (!isObject(reference)) continue
    const kind = reference.kind === 'Secret' ? 'Secret' : 'ConfigMap'
    const name = typeof reference.name === 'string' ? reference.name : ''
    const found = others.filter(
      o =>
        o.kind === kind &&
        o.name === name &&
        (o.namespace === '' || namespace === '' || o.namespace === namespace) &&
        (clusterOf(o.location.file) ?? env) === env
    )
    const [object] = found
    if (!object) {
      if (reference.optional === true) continue
      return {
        problem: `postBuild.substituteFrom: ${kind} ${name} is not in the repository (outside clusters/ or in clusters/${env}/); Flux would stop here (optional: true skips it)`
      }
    }
    if (found.length > 1)
      return {
        problem: `postBuild.substituteFrom: ${kind} ${name} is defined ${found.length} times (${found.map(f => f.location.file).join(', ')})`
      }
    if (object.object.sops !== undefined)
      return {
        problem: `postBuild.substituteFrom: Secret ${name} (${object.location.file}) is encrypted with SOPS; hydrate does not decrypt`
      }
    files.push(object.location.file)
    for (const [key, value] of Object.entries(dataOf(object))) setOwn(vars, key, value)
  }
  if (isObject(postBuild.substitute))
    for (const [key, value] of Object.entries(postBuild.substitute))
      setOwn(vars, key, String(value).replace(/\n/g, ''))
  const invalid = Object.keys(vars).find(key => !VARIABLE_NAME.test(key))
  if (invalid !== undefined)
    return {
      problem: `postBuild: variable name ${JSON.stringify(invalid)} is not valid (${VARIABLE_NAME.source})`
    }
  return { vars, files: [...new Set(files)] }
}

/** A ConfigMap's data, or a Secret's data (decoded) and stringData, as strings. */
function dataOf(object: FluxObject): Record<string, string> {
  const out: Record<string, string> = {}
  const data = isObject(object.object.data) ? object.object.data : {}
  for (const [key, value] of Object.entries(data))
    out[key] =
      object.kind === 'Secret'
        ? Buffer.from(String(value).replace(/[\r\n]/g, ''), 'base64').toString('utf8')
        : String(value)
  const stringData = isObject(object.object.stringData) ? object.object.stringData : {}
  if (object.kind === 'Secret')
    for (const [key, value] of Object.entries(stringData)) out[key] = String(value)
  return out
}
