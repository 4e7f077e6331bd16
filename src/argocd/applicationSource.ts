import { resolveInsideRepo } from '../config/paths.js'
import type { ArgoCluster, ArgoFinding, Defaults } from '../config/types.js'
import type { SourceLocation } from '../errors.js'
import { envsubst as argoEnvsubst } from './envsubst.js'
import { isObject } from './manifests.js'

// What the per-tool mappings of an Application share: the source as written, the finding an
// Application becomes when it cannot be rendered as Argo CD would, and small readers.

export interface ApplicationContext {
  repoRoot: string
  defaults: Defaults
  isThisRepository(url: string): boolean
  /** The clusters the repository declares: `clusters` generators, destination servers. */
  clusters: readonly ArgoCluster[]
}

export interface ApplicationOrigin {
  location: SourceLocation
  /** `Application web`, `ApplicationSet apps (apps/web)`. */
  origin: string
  /** The files that define it (Target.definedBy). */
  definedBy: string[]
}

/** An Application read so far: what it says, where, and the app-of-apps chain that declared it. */
export interface KnownApplication {
  object: Record<string, unknown>
  where: ApplicationOrigin
  /** Application names from the file-declared one down to this one. */
  chain: string[]
}

export function applicationName(app: Record<string, unknown>): string {
  const metadata = isObject(app.metadata) ? app.metadata : {}
  return typeof metadata.name === 'string' ? metadata.name : ''
}

/** Why an Application is not a target: becomes its finding. */
export class Problem extends Error {
  constructor(
    readonly kind: ArgoFinding['kind'],
    message: string
  ) {
    super(message)
  }
}

export const unsupported = (message: string) => new Problem('unsupported', message)
export const invalid = (message: string) => new Problem('invalid', message)

export interface SourceSpec {
  repoURL?: string
  path?: string
  chart?: string
  targetRevision?: string
  ref?: string
  helm?: Record<string, unknown>
  kustomize?: Record<string, unknown>
  directory?: Record<string, unknown>
  plugin?: unknown
  /** The source as written, for `.argocd-source*.yaml` merges. */
  raw: Record<string, unknown>
}

export function sourceOf(value: unknown, what: string): SourceSpec {
  if (!isObject(value)) throw invalid(`${what} must be a mapping`)
  const text = (key: string) => {
    const v = value[key]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string' && typeof v !== 'number')
      throw invalid(`${what}.${key} must be a string`)
    return String(v)
  }
  const section = (key: string) => {
    const v = value[key]
    if (v === undefined || v === null) return undefined
    if (!isObject(v)) throw invalid(`${what}.${key} must be a mapping`)
    return v
  }
  return {
    repoURL: text('repoURL'),
    path: text('path'),
    chart: text('chart'),
    targetRevision: text('targetRevision'),
    ref: text('ref'),
    helm: section('helm'),
    kustomize: section('kustomize'),
    directory: section('directory'),
    plugin: value.plugin ?? undefined,
    raw: value
  }
}

/** Argo CD's Envsubst of the build environment; the revision is not known before a commit. */
export function envsubst(text: string, vars: Map<string, string>, what: string): string {
  return argoEnvsubst(text, vars, name => {
    throw unsupported(`${what} uses $${name}, which depends on the commit Argo CD renders`)
  })
}

/** A path of this repository, normalized; an escape is invalid. */
export function repoPath(repoRoot: string, relative: string, what: string): string {
  // Argo CD reads an absolute path as relative to the repository root.
  const trimmed = relative.replace(/^\/+/, '')
  const checked = resolveInsideRepo(repoRoot, trimmed === '' ? '.' : trimmed)
  if (!checked.ok) throw invalid(`${what}: ${checked.reason}`)
  return checked.path
}

export function checkKeys(
  section: Record<string, unknown> | undefined,
  allowed: Set<string>,
  what: string
) {
  for (const key of Object.keys(section ?? {}))
    if (!allowed.has(key)) throw unsupported(`${what}.${key} is not supported`)
}

export function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string'))
    throw invalid(`${what} must be a list of strings`)
  return value as string[]
}

export function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) throw invalid(`${what} must be a mapping`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) out[k] = String(v)
  return out
}
