/**
 * API versions the Kubernetes API server no longer serves, from Kubernetes' deprecated API
 * migration guide (kubernetes.io/docs/reference/using-api/deprecation-guide). An object in
 * one of them fails to apply on a cluster at or past `removedIn`.
 */
export interface RemovedApi {
  apiVersion: string
  kinds: readonly string[]
  /** `major.minor` of the first release that does not serve it. */
  removedIn: string
  /** The apiVersion to move to, or undefined when the API is gone without one. */
  replacement?: string
}

/**
 * The Kubernetes version a target is checked against when it does not name one
 * (`helm.kubeVersion`): the oldest minor release the Kubernetes project still supported when
 * this table was last checked. Raise it with the table.
 */
export const DEFAULT_KUBE_VERSION = '1.33'

const APPS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet']
const RBAC = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']
const FLOW_CONTROL = ['FlowSchema', 'PriorityLevelConfiguration']

export const REMOVED_APIS: readonly RemovedApi[] = [
  // 1.16
  { apiVersion: 'extensions/v1beta1', kinds: APPS, removedIn: '1.16', replacement: 'apps/v1' },
  {
    apiVersion: 'apps/v1beta1',
    kinds: ['Deployment', 'StatefulSet'],
    removedIn: '1.16',
    replacement: 'apps/v1'
  },
  { apiVersion: 'apps/v1beta2', kinds: APPS, removedIn: '1.16', replacement: 'apps/v1' },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['NetworkPolicy'],
    removedIn: '1.16',
    replacement: 'networking.k8s.io/v1'
  },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['PodSecurityPolicy'],
    removedIn: '1.16',
    replacement: 'policy/v1beta1'
  },
  // 1.22
  {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    removedIn: '1.22',
    replacement: 'admissionregistration.k8s.io/v1'
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1beta1',
    kinds: ['CustomResourceDefinition'],
    removedIn: '1.22',
    replacement: 'apiextensions.k8s.io/v1'
  },
  {
    apiVersion: 'apiregistration.k8s.io/v1beta1',
    kinds: ['APIService'],
    removedIn: '1.22',
    replacement: 'apiregistration.k8s.io/v1'
  },
  {
    apiVersion: 'authentication.k8s.io/v1beta1',
    kinds: ['TokenReview'],
    removedIn: '1.22',
    replacement: 'authentication.k8s.io/v1'
  },
  {
    apiVersion: 'authorization.k8s.io/v1beta1',
    kinds: ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview'],
    removedIn: '1.22',
    replacement: 'authorization.k8s.io/v1'
  },
  {
    apiVersion: 'certificates.k8s.io/v1beta1',
    kinds: ['CertificateSigningRequest'],
    removedIn: '1.22',
    replacement: 'certificates.k8s.io/v1'
  },
  {
    apiVersion: 'coordination.k8s.io/v1beta1',
    kinds: ['Lease'],
    removedIn: '1.22',
    replacement: 'coordination.k8s.io/v1'
  },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['Ingress'],
    removedIn: '1.22',
    replacement: 'networking.k8s.io/v1'
  },
  {
    apiVersion: 'networking.k8s.io/v1beta1',
    kinds: ['Ingress', 'IngressClass'],
    removedIn: '1.22',
    replacement: 'networking.k8s.io/v1'
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1beta1',
    kinds: RBAC,
    removedIn: '1.22',
    replacement: 'rbac.authorization.k8s.io/v1'
  },
  {
    apiVersion: 'scheduling.k8s.io/v1beta1',
    kinds: ['PriorityClass'],
    removedIn: '1.22',
    replacement: 'scheduling.k8s.io/v1'
  },
  {
    apiVersion: 'storage.k8s.io/v1beta1',
    kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    removedIn: '1.22',
    replacement: 'storage.k8s.io/v1'
  },
  // 1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', replacement: 'batch/v1' },
  {
    apiVersion: 'discovery.k8s.io/v1beta1',
    kinds: ['EndpointSlice'],
    removedIn: '1.25',
    replacement: 'discovery.k8s.io/v1'
  },
  {
    apiVersion: 'events.k8s.io/v1beta1',
    kinds: ['Event'],
    removedIn: '1.25',
    replacement: 'events.k8s.io/v1'
  },
  {
    apiVersion: 'autoscaling/v2beta1',
    kinds: ['HorizontalPodAutoscaler'],
    removedIn: '1.25',
    replacement: 'autoscaling/v2'
  },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodDisruptionBudget'],
    removedIn: '1.25',
    replacement: 'policy/v1'
  },
  // PodSecurityPolicy is gone without a successor (Pod Security Admission replaces it).
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.25' },
  {
    apiVersion: 'node.k8s.io/v1beta1',
    kinds: ['RuntimeClass'],
    removedIn: '1.25',
    replacement: 'node.k8s.io/v1'
  },
  // 1.26
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1',
    kinds: FLOW_CONTROL,
    removedIn: '1.26',
    replacement: 'flowcontrol.apiserver.k8s.io/v1'
  },
  {
    apiVersion: 'autoscaling/v2beta2',
    kinds: ['HorizontalPodAutoscaler'],
    removedIn: '1.26',
    replacement: 'autoscaling/v2'
  },
  // 1.27
  {
    apiVersion: 'storage.k8s.io/v1beta1',
    kinds: ['CSIStorageCapacity'],
    removedIn: '1.27',
    replacement: 'storage.k8s.io/v1'
  },
  // 1.29
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kinds: FLOW_CONTROL,
    removedIn: '1.29',
    replacement: 'flowcontrol.apiserver.k8s.io/v1'
  },
  // 1.32
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
    kinds: FLOW_CONTROL,
    removedIn: '1.32',
    replacement: 'flowcontrol.apiserver.k8s.io/v1'
  }
]

/** `1.29`, `v1.29.3`, `1.29.0-eks` → [1, 29]; undefined when it is no version. */
export function parseKubeVersion(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim())
  return match ? [Number(match[1]), Number(match[2])] : undefined
}

function atLeast(version: [number, number], removedIn: string): boolean {
  const [major, minor] = parseKubeVersion(removedIn) as [number, number]
  return version[0] > major || (version[0] === major && version[1] >= minor)
}

/** The removal that applies to `apiVersion`/`kind` on a cluster of `kubeVersion`, if any. */
export function removedApi(
  apiVersion: string,
  kind: string,
  kubeVersion: string
): RemovedApi | undefined {
  const version = parseKubeVersion(kubeVersion) ?? parseKubeVersion(DEFAULT_KUBE_VERSION)
  return REMOVED_APIS.find(
    api =>
      api.apiVersion === apiVersion &&
      api.kinds.includes(kind) &&
      atLeast(version as [number, number], api.removedIn)
  )
}
