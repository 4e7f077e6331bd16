import type { ArgoCluster, ArgoFinding } from '../config/types.js'
import type { SourceLocation } from '../errors.js'
import { isObject, type ClusterSecret } from './manifests.js'
import { setOwn } from '../security/ownProperty.js'

// Argo CD's clusters, read from the repository: cluster Secrets (label
// argocd.argoproj.io/secret-type: cluster) and `argocd.clusters` in hydrate.yaml. They feed
// `clusters` generators and name the environment of an Application's destination.server.

/** Argo CD's in-cluster destination (KubernetesInternalAPIServerAddr, KubernetesInClusterName). */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc'
export const IN_CLUSTER_NAME = 'in-cluster'

/**
 * The clusters known: the Secrets' (as Argo CD decodes them: `stringData` over base64 `data`),
 * then the listed ones. A name seen twice keeps the first, with a finding (Argo CD keys its
 * clusters by name).
 */
export function knownClusters(
  secrets: readonly ClusterSecret[],
  listed: readonly ArgoCluster[]
): { clusters: ArgoCluster[]; findings: ArgoFinding[] } {
  const clusters: ArgoCluster[] = []
  const findings: ArgoFinding[] = []
  const add = (cluster: ArgoCluster, subject: string) => {
    const other = clusters.find(c => c.name === cluster.name)
    if (other) {
      findings.push({
        location: cluster.location,
        subject,
        kind: 'invalid',
        message: `cluster ${cluster.name} is also defined at ${where(other.location)}; that one is used`
      })
      return
    }
    clusters.push(cluster)
  }
  for (const secret of secrets) {
    const metadata = isObject(secret.object.metadata) ? secret.object.metadata : {}
    const subject = `Secret ${typeof metadata.name === 'string' ? metadata.name : '(unnamed)'}`
    const field = (key: string) => secretField(secret.object, key)
    const name = field('name')
    const server = field('server')
    if (!name || !server) {
      findings.push({
        location: secret.location,
        subject,
        kind: 'invalid',
        message:
          'a cluster Secret without a readable name and server (stringData, or base64 data; encrypted Secrets are not read); its cluster is not known'
      })
      continue
    }
    add(
      {
        name,
        server,
        project: field('project') ?? '',
        labels: stringsOf(metadata.labels),
        annotations: stringsOf(metadata.annotations),
        location: secret.location
      },
      subject
    )
  }
  for (const cluster of listed) add(cluster, `argocd.clusters ${cluster.name}`)
  return { clusters, findings }
}

function secretField(secret: Record<string, unknown>, key: string): string | undefined {
  const plain = isObject(secret.stringData) ? secret.stringData[key] : undefined
  if (typeof plain === 'string' && plain !== '') return plain
  const encoded = isObject(secret.data) ? secret.data[key] : undefined
  if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(encoded)) return undefined
  const decoded = Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8')
  return decoded !== '' && !decoded.includes('\uFFFD') ? decoded : undefined
}

function stringsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (isObject(value)) for (const [k, v] of Object.entries(value)) setOwn(out, k, String(v))
  return out
}

function where(location: SourceLocation): string {
  return location.line === undefined ? location.file : `${location.file}:${location.line}`
}

/** A clusters generator (or its selector) that cannot be evaluated. */
export class ClusterGeneratorError extends Error {}
class SelectorError extends ClusterGeneratorError {}

/**
 * The clusters generator's parameter sets: the selected clusters with `values` rendered with
 * each one's parameters (`values.k` in default mode, `values` map in Go template mode).
 */
export function clustersGeneratorParams(
  spec: Record<string, unknown>,
  clusters: readonly ArgoCluster[],
  goTemplate: boolean,
  render: (text: string, params: Record<string, unknown>) => string
): Array<Record<string, unknown>> {
  for (const key of Object.keys(spec))
    if (!['selector', 'values', 'flatList'].includes(key))
      throw new ClusterGeneratorError(`clusters generator ${key} is not supported`)
  const values = spec.values ?? {}
  if (!isObject(values))
    throw new ClusterGeneratorError('clusters generator values must be a mapping')
  let sets: Array<Record<string, unknown>>
  try {
    sets = clusterParams(spec.selector, clusters, goTemplate)
  } catch (error) {
    if (error instanceof SelectorError)
      throw new ClusterGeneratorError(`clusters generator: ${error.message}`)
    throw error
  }
  for (const params of sets) {
    const rendered: Record<string, string> = {}
    for (const [key, value] of Object.entries(values))
      setOwn(rendered, key, render(typeof value === 'string' ? value : String(value), params))
    if (goTemplate) {
      if (Object.keys(rendered).length > 0) params.values = rendered
    } else
      for (const [key, value] of Object.entries(rendered)) setOwn(params, `values.${key}`, value)
  }
  return spec.flatList === true ? [{ clusters: sets }] : sets
}

/** Does a Kubernetes label selector (matchLabels, matchExpressions) select these labels? */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true
  if (!isObject(selector)) throw new SelectorError('a selector must be a mapping')
  for (const key of Object.keys(selector))
    if (key !== 'matchLabels' && key !== 'matchExpressions')
      throw new SelectorError(`selector.${key} is not a label selector field`)
  const matchLabels = selector.matchLabels ?? {}
  if (!isObject(matchLabels)) throw new SelectorError('selector.matchLabels must be a mapping')
  for (const [key, value] of Object.entries(matchLabels))
    if (labels[key] !== String(value)) return false
  const expressions = selector.matchExpressions ?? []
  if (!Array.isArray(expressions))
    throw new SelectorError('selector.matchExpressions must be a list')
  return expressions.every(expression => expressionMatches(expression, labels))
}

function expressionMatches(expression: unknown, labels: Record<string, string>): boolean {
  if (!isObject(expression) || typeof expression.key !== 'string')
    throw new SelectorError('a matchExpressions entry needs a key')
  const { key, operator } = expression
  const values = Array.isArray(expression.values) ? expression.values.map(String) : []
  const has = Object.prototype.hasOwnProperty.call(labels, key)
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        throw new SelectorError(`matchExpressions ${key} ${operator} needs values`)
      return operator === 'In'
        ? has && values.includes(labels[key] as string)
        : !has || !values.includes(labels[key] as string)
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        throw new SelectorError(`matchExpressions ${key} ${operator} takes no values`)
      return operator === 'Exists' ? has : !has
    default:
      throw new SelectorError(
        `matchExpressions operator ${JSON.stringify(operator)} is not one of In, NotIn, Exists, DoesNotExist`
      )
  }
}

/**
 * The `clusters` generator's parameter sets before `values` (applicationset/generators/cluster.go):
 * the selected clusters, sorted by name, then in-cluster when no cluster has its server and the
 * selector is empty.
 */
export function clusterParams(
  selector: unknown,
  clusters: readonly ArgoCluster[],
  goTemplate: boolean
): Array<Record<string, unknown>> {
  const selected = clusters
    .filter(cluster => selectorMatches(selector, cluster.labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const params = selected.map(cluster => clusterParamSet(cluster, goTemplate))
  const emptySelector =
    !isObject(selector) ||
    ((!isObject(selector.matchLabels) || Object.keys(selector.matchLabels).length === 0) &&
      (!Array.isArray(selector.matchExpressions) || selector.matchExpressions.length === 0))
  if (emptySelector && !clusters.some(c => c.server === IN_CLUSTER_SERVER))
    params.push({
      name: IN_CLUSTER_NAME,
      nameNormalized: IN_CLUSTER_NAME,
      server: IN_CLUSTER_SERVER,
      project: ''
    })
  return params
}

function clusterParamSet(cluster: ArgoCluster, goTemplate: boolean): Record<string, unknown> {
  const params: Record<string, unknown> = {
    name: cluster.name,
    nameNormalized: sanitizeName(cluster.name),
    server: cluster.server,
    project: cluster.project
  }
  if (goTemplate) {
    const metadata: Record<string, unknown> = {}
    if (Object.keys(cluster.annotations).length > 0)
      metadata.annotations = { ...cluster.annotations }
    if (Object.keys(cluster.labels).length > 0) metadata.labels = { ...cluster.labels }
    params.metadata = metadata
  } else {
    for (const [k, v] of Object.entries(cluster.annotations))
      setOwn(params, `metadata.annotations.${k}`, v)
    for (const [k, v] of Object.entries(cluster.labels)) setOwn(params, `metadata.labels.${k}`, v)
  }
  return params
}

/**
 * The controller's SanitizeName (applicationset/utils/template_functions.go): lower case, each
 * character outside [-a-z0-9.] as `-`, at most 253 characters, `-` and `.` trimmed at both ends.
 */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/gu, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '')
}
