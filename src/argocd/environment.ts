import type { ArgoCluster, Defaults } from '../config/types.js'
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, sanitizeName } from './clusters.js'
import { isObject } from './manifests.js'

// The environment of an Application: which branch its output goes to. Inference order
// (docs/argocd-semantics.md): the hydrator's sync branch, the `hydrate/env` label or
// annotation, the destination's cluster (name, or server mapped to a known cluster's name,
// in-cluster for https://kubernetes.default.svc, else the server's host).

/** The label or annotation that names an Application's environment (when no hydrator branch). */
export const ENV_LABEL = 'hydrate/env'

/** An Application whose environment cannot be told; its message is the finding's. */
export class NoEnvironment extends Error {}

export function environmentOf(
  metadata: Record<string, unknown>,
  destination: Record<string, unknown>,
  hydratorBranch: string | undefined,
  defaults: Defaults,
  clusters: readonly ArgoCluster[]
): string {
  if (hydratorBranch !== undefined) return envFromBranch(hydratorBranch, defaults.branch)
  for (const section of ['labels', 'annotations']) {
    const map = metadata[section]
    if (isObject(map) && typeof map[ENV_LABEL] === 'string' && map[ENV_LABEL] !== '')
      return map[ENV_LABEL]
  }
  const name = typeof destination.name === 'string' ? destination.name : ''
  const server = typeof destination.server === 'string' ? destination.server : ''
  // Argo CD's ValidateDestination refuses both; the Application never renders.
  if (name !== '' && server !== '')
    throw new NoEnvironment(
      `application destination can't have both name and server defined: ${name} ${server}`
    )
  if (name !== '') return name
  if (server !== '') return clusterOfServer(server, clusters)
  throw new NoEnvironment(
    `has no environment: no sourceHydrator, no ${ENV_LABEL} label or annotation, no spec.destination.name or server`
  )
}

/** A destination server's environment: the known cluster's name, in-cluster, or its host. */
function clusterOfServer(server: string, clusters: readonly ArgoCluster[]): string {
  const trimmed = server.replace(/\/+$/, '')
  const known = clusters.find(c => c.server.replace(/\/+$/, '') === trimmed)
  if (known) return known.name
  if (trimmed === IN_CLUSTER_SERVER) return IN_CLUSTER_NAME
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    throw new NoEnvironment(`spec.destination.server ${JSON.stringify(server)} is not a URL`)
  }
  const host = sanitizeName(url.port ? `${url.hostname}-${url.port}` : url.hostname)
  if (host === '')
    throw new NoEnvironment(`spec.destination.server ${JSON.stringify(server)} names no host`)
  return host
}

/** The `{env}` of a branch made from the branch template (env/prod → prod), else the branch. */
export function envFromBranch(branch: string, template: string): string {
  if (!template.includes('{env}')) return branch
  const pattern = template
    .split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
    .map(part =>
      part === '{env}'
        ? '(?<env>[^/]+)'
        : /^\{.*\}$/.test(part)
          ? '[^/]+'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    )
    .join('')
  return new RegExp(`^${pattern}$`).exec(branch)?.groups?.env ?? branch
}
