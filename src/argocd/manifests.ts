import type { SourceLocation } from '../errors.js'
import type { ArgoFinding } from '../config/types.js'
import { CLUSTER_SECRET_LABEL } from '../config/argocdSettings.js'
import { isObject } from '../manifests/isObject.js'
import { readYamlObjects, type YamlObject } from '../sources/yamlObjects.js'

// Other argocd/ modules take it from here.
export { isObject }

export type ArgoKind = 'Application' | 'ApplicationSet'

/** One Application or ApplicationSet read from a file, with a way to locate its fields. */
export interface ArgoManifest extends Omit<YamlObject, 'file'> {
  kind: ArgoKind
  name: string
}

/** A Secret object found in the repository with Argo CD's cluster label. */
export interface ClusterSecret {
  object: Record<string, unknown>
  location: SourceLocation
}

function isClusterSecret(object: Record<string, unknown>): boolean {
  const metadata = isObject(object.metadata) ? object.metadata : {}
  const labels = isObject(metadata.labels) ? metadata.labels : {}
  return (
    object.kind === 'Secret' &&
    object.apiVersion === 'v1' &&
    labels[CLUSTER_SECRET_LABEL] === 'cluster'
  )
}

const ARGO_KIND = /^kind:\s*["']?(Application|ApplicationSet)["']?\s*(#.*)?$/m
const SECRET_KIND = /^kind:\s*["']?Secret["']?\s*(#.*)?$/m

/**
 * Every `argoproj.io` Application and ApplicationSet in the YAML files below `dirs`
 * (repo-relative), in path order, and every Argo CD cluster Secret. Dot-directories are
 * skipped, and so are Helm charts (their templates are not manifests until rendered). A file
 * that does not parse is a finding.
 */
export function readArgoManifests(
  repoRoot: string,
  dirs: readonly string[]
): { manifests: ArgoManifest[]; clusterSecrets: ClusterSecret[]; findings: ArgoFinding[] } {
  const manifests: ArgoManifest[] = []
  const clusterSecrets: ClusterSecret[] = []
  const { objects, findings } = readYamlObjects(repoRoot, {
    dirs,
    objectsOf: 'Argo CD',
    mayHold: text =>
      text.includes('argoproj.io') && (ARGO_KIND.test(text) || SECRET_KIND.test(text))
  })
  for (const { object, location, locate } of objects) {
    if (isClusterSecret(object)) {
      clusterSecrets.push({ object, location })
      continue
    }
    const kind = object.kind
    const apiVersion = object.apiVersion
    if (kind !== 'Application' && kind !== 'ApplicationSet') continue
    if (typeof apiVersion !== 'string' || !apiVersion.startsWith('argoproj.io/')) continue
    const metadata = isObject(object.metadata) ? object.metadata : {}
    const name = typeof metadata.name === 'string' ? metadata.name : ''
    manifests.push({ kind, name, object, location, locate })
  }
  return { manifests, clusterSecrets, findings }
}
