import type { SourceLocation } from '../errors.js'
import { isObject } from '../manifests/isObject.js'
import { readYamlObjects } from '../sources/yamlObjects.js'

/** A Flux object (or a ConfigMap/Secret a Kustomization may read) found in a file. */
export interface FluxObject {
  kind: string
  name: string
  /** metadata.namespace, or '' when the file does not say. */
  namespace: string
  object: Record<string, unknown>
  location: SourceLocation
}

/** What discovery could not turn into a target, and why (shown by `hydrate targets`). */
export interface FluxFinding {
  location: SourceLocation
  /** `Kustomization apps`. */
  subject: string
  kind: 'skipped' | 'unsupported' | 'invalid'
  message: string
}

export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io'
const FLUX_KUSTOMIZATION_VERSIONS = new Set(['v1', 'v1beta2', 'v1beta1'])
const READ_KINDS = /^kind:\s*["']?(Kustomization|ConfigMap|Secret|GitRepository)["']?\s*(#.*)?$/m

// Other flux/ and config/ modules take it from here.
export { isObject }

/** Is this a Flux Kustomization (and not kustomize's own kustomization file)? */
export function isFluxKustomization(object: Record<string, unknown>): boolean {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : ''
  const [group, version] = apiVersion.split('/')
  return (
    object.kind === 'Kustomization' &&
    group === FLUX_KUSTOMIZE_GROUP &&
    FLUX_KUSTOMIZATION_VERSIONS.has(version ?? '')
  )
}

/**
 * The Flux Kustomizations, GitRepositories, ConfigMaps and Secrets in the repository's YAML
 * files (dot-directories and Helm charts skipped; kustomization files are not objects).
 */
export function readFluxObjects(repoRoot: string): {
  kustomizations: FluxObject[]
  others: FluxObject[]
  findings: FluxFinding[]
} {
  const kustomizations: FluxObject[] = []
  const others: FluxObject[] = []
  const { objects, findings } = readYamlObjects(repoRoot, {
    dirs: [''],
    objectsOf: 'Flux',
    mayHold: text => READ_KINDS.test(text),
    // A file without Flux's group is some other YAML: not Flux's to report.
    reportsFailure: text => text.includes(FLUX_KUSTOMIZE_GROUP),
    skipNames: /^kustomization\.ya?ml$/
  })
  for (const { object, location } of objects) {
    if (typeof object.kind !== 'string') continue
    const metadata = isObject(object.metadata) ? object.metadata : {}
    const found: FluxObject = {
      kind: object.kind,
      name: typeof metadata.name === 'string' ? metadata.name : '',
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
      object,
      location
    }
    if (isFluxKustomization(object)) kustomizations.push(found)
    else if (['ConfigMap', 'Secret', 'GitRepository'].includes(object.kind)) others.push(found)
  }
  return { kustomizations, others, findings }
}
