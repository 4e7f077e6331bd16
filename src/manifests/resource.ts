/** A plain JSON-like object (a parsed manifest or a part of it). */
export type JsonObject = Record<string, unknown>

/** group/kind/namespace/name: the version is not part of identity (docs/rendered-diff.md). */
export interface ResourceId {
  group: string
  kind: string
  namespace: string
  /**
   * metadata.name; for an object with only metadata.generateName, its generated-name form
   * (see generatedName).
   */
  name: string
  /** metadata.generateName of an object that has no metadata.name (hook Jobs). */
  generateName?: string
}

export interface Resource extends ResourceId {
  apiVersion: string
  /** `group/kind/namespace/name`, with empty parts kept so ids compare exactly. */
  id: string
  /** Plain JS value of the object (ints beyond 2^53 kept as strings). */
  object: Record<string, unknown>
  /** This resource as Argo CD's hydrator writes it (yaml.v3), ending with a newline. */
  yaml: string
  /** The file it was read from (a plain directory's), named in its findings. */
  origin?: string
}

/** Kinds that are cluster-scoped: their identity never carries a namespace. */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'apiregistration.k8s.io/APIService',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration'
])

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  return slash === -1 ? '' : apiVersion.slice(0, slash)
}

/**
 * Whether an object is a core Secret as the API server's decoder takes it: kind `Secret` in
 * the core group, by the group Go's ParseGroupVersion reads from apiVersion (`v1`, `/v1`,
 * `/`, empty, any version without a slash). A missing or non-string apiVersion counts too:
 * masking more is safe, less is not. Mask and policy share it.
 */
export function isCoreSecret(object: unknown): boolean {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return false
  const { kind, apiVersion } = object as JsonObject
  return kind === 'Secret' && (typeof apiVersion !== 'string' || groupOf(apiVersion) === '')
}

export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${group}/${kind}`)
}

export function formatId(id: ResourceId): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`
}

/**
 * The identity name of the `ordinal`-th object (1-based) of one group/kind/namespace with
 * generateName `prefix` and no name: `migrate-*`, then `migrate-*#2`, `migrate-*#3`. A `*`
 * is in no valid DNS name, so it cannot meet a named object's identity.
 */
export function generatedName(prefix: string, ordinal: number): string {
  return `${prefix}*${ordinal === 1 ? '' : `#${ordinal}`}`
}

/** Human form: `Kind namespace/name` (or `Kind name` when cluster-scoped). */
export function describeResource(id: ResourceId): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`
}
