import { isMap, parseAllDocuments } from 'yaml'
import { ManifestError } from '../errors.js'
import { kubernetesKey, toArgoValue, UnrepresentableValueError } from './argoValue.js'
import { encodeArgoDocument, joinArgoDocuments } from './argoYaml.js'
import { describeResource, formatId, groupOf, isClusterScoped, type Resource } from './resource.js'
import { KUBERNETES_YAML } from './yaml11.js'

/**
 * The plain object that policy and diff read: keys as Kubernetes makes them, ints beyond
 * 2^53 as strings.
 */
function toPlain(value: unknown, path: string): unknown {
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  if (Array.isArray(value)) return value.map((item, i) => toPlain(item, `${path}[${i}]`))
  if (!(value instanceof Map)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of value) {
    const name = kubernetesKey(key, path)
    const child = path ? `${path}.${name}` : name
    // defineProperty: a `__proto__` key stays a key.
    Object.defineProperty(out, name, {
      value: toPlain(item, child),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/** A document that cannot be hydrated as it is: reported by the policy rules of the same id. */
export interface ManifestProblem {
  rule: 'invalid-resource' | 'duplicate-resource'
  /** `Kind namespace/name` when known, else `document N`. */
  resource: string
  message: string
}

export interface ParsedManifests {
  resources: Resource[]
  problems: ManifestProblem[]
}

/** DNS-1123 subdomain: what most kinds require of metadata.name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

function nameProblem(group: string, name: string): string | undefined {
  // RBAC objects take any path segment (e.g. system:aggregate-to-admin).
  if (group === 'rbac.authorization.k8s.io')
    return /[/%]/.test(name) || name === '.' || name === '..'
      ? 'is not a valid path segment name'
      : undefined
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
    return 'is not a valid DNS subdomain name (lower-case letters, digits, "-" and ".", at most 253 characters)'
  return undefined
}

/**
 * Splits a rendered YAML stream into resources. Empty and `null` documents are dropped.
 * YAML that does not parse is an error; documents that are not Kubernetes objects, and a
 * second object with an identity already seen, are left out and reported as problems.
 */
export function parseManifests(text: string, target: string): ParsedManifests {
  const documents = parseAllDocuments(text, KUBERNETES_YAML)
  const list = Array.isArray(documents) ? documents : [documents]
  const resources: Resource[] = []
  const problems: ManifestProblem[] = []
  const seen = new Map<string, number>()
  list.forEach((document, index) => {
    const position = `document ${index + 1}`
    const [error] = document.errors
    if (error)
      throw new ManifestError(
        target,
        `${position} is not valid YAML: ${error.message.split('\n')[0]}`
      )
    if (document.contents === null) return
    // Maps keep their keys' types, so that keys become strings as Kubernetes makes them.
    const raw: unknown = document.toJS({ maxAliasCount: 1000, mapAsMap: true })
    let plain: unknown
    try {
      plain = toPlain(raw, '')
    } catch (error) {
      if (!(error instanceof UnrepresentableValueError)) throw error
      throw new ManifestError(target, `${position}: ${error.message}`)
    }
    if (plain === null || plain === undefined) return
    if (!isMap(document.contents) || typeof plain !== 'object' || Array.isArray(plain)) {
      problems.push({
        rule: 'invalid-resource',
        resource: position,
        message: `${position} is not a Kubernetes object (expected a mapping)`
      })
      return
    }
    const object = plain as Record<string, unknown>
    const metadata = object.metadata as Record<string, unknown> | undefined
    const missing = [
      typeof object.apiVersion === 'string' && object.apiVersion ? undefined : 'apiVersion',
      typeof object.kind === 'string' && object.kind ? undefined : 'kind',
      metadata && typeof metadata.name === 'string' && metadata.name ? undefined : 'metadata.name'
    ].filter(Boolean)
    if (missing.length > 0) {
      const named = typeof metadata?.name === 'string' ? ` ${metadata.name}` : ''
      problems.push({
        rule: 'invalid-resource',
        resource: `${String(object.kind ?? position)}${named}`,
        message: `${position} (kind ${String(object.kind ?? '?')}) is missing ${missing.join(', ')}`
      })
      return
    }
    const apiVersion = object.apiVersion as string
    const kind = object.kind as string
    const group = groupOf(apiVersion)
    const namespace =
      isClusterScoped(group, kind) || typeof metadata?.namespace !== 'string'
        ? ''
        : metadata.namespace
    const identity = { group, kind, namespace, name: metadata?.name as string }
    const label = describeResource(identity)
    const badName = nameProblem(group, identity.name)
    if (badName) {
      problems.push({
        rule: 'invalid-resource',
        resource: label,
        message: `metadata.name ${JSON.stringify(identity.name)} ${badName}`
      })
      return
    }
    const id = formatId(identity)
    const previous = seen.get(id)
    if (previous !== undefined) {
      problems.push({
        rule: 'duplicate-resource',
        resource: label,
        message: `duplicate resource ${id} (documents ${previous + 1} and ${index + 1}); the second is left out`
      })
      return
    }
    seen.set(id, index)
    let yaml: string
    try {
      yaml = encodeArgoDocument(toArgoValue(raw))
    } catch (error) {
      if (!(error instanceof UnrepresentableValueError)) throw error
      throw new ManifestError(target, `${position} (${label}): ${error.message}`)
    }
    resources.push({ ...identity, apiVersion, id, object, yaml })
  })
  return { resources, problems }
}

/**
 * manifest.yaml: all resources, in the order the tool emitted them, byte for byte as Argo CD's
 * source hydrator writes them (docs/adr/0006-argo-yaml-encoding.md).
 */
export function serializeManifests(resources: readonly Resource[]): string {
  return joinArgoDocuments(resources.map(r => r.yaml))
}
