import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit
} from 'yaml'
import type { Node, YAMLMap } from 'yaml'
import { ManifestError } from '../errors.js'
import { describeResource, formatId, groupOf, isClusterScoped, type Resource } from './resource.js'

/**
 * Options shared by parsing and serialization. Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml),
 * so we do too: `0644` stays octal, `yes` stays what the API server will see. Big ints are
 * kept exact.
 */
const PARSE_OPTIONS = { version: '1.1', intAsBigInt: true, uniqueKeys: false } as const
const STRINGIFY_OPTIONS = { indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0 } as const

function stripComments(document: Document): void {
  document.commentBefore = null
  document.comment = null
  visit(document, {
    Node(_key, node) {
      const n = node as {
        comment?: string | null
        commentBefore?: string | null
        spaceBefore?: boolean
      }
      n.comment = null
      n.commentBefore = null
      n.spaceBefore = false
    }
  })
}

function toPlain(document: Document): unknown {
  return document.toJS({
    maxAliasCount: 1000,
    reviver: (_key: unknown, value: unknown) =>
      typeof value === 'bigint'
        ? value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(value)
          : value.toString()
        : value
  })
}

export function serializeDocument(document: Document): string {
  if (document.directives) {
    document.directives.docStart = null
    document.directives.docEnd = false
  }
  const text = document.toString(STRINGIFY_OPTIONS)
  return text.endsWith('\n') ? text : `${text}\n`
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
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter })
  const list = Array.isArray(documents) ? documents : [documents]
  const resources: Resource[] = []
  const problems: ManifestProblem[] = []
  const seen = new Map<string, string>()
  const entries: Array<{ document: Document; position: string }> = []
  list.forEach((document, index) => {
    const position = `document ${index + 1}`
    const [error] = document.errors
    if (error)
      throw new ManifestError(
        target,
        `${position} is not valid YAML: ${error.message.split('\n')[0]}`
      )
    for (const duplicate of removeDuplicateKeys(document, lineCounter)) {
      problems.push({
        rule: 'invalid-resource',
        resource: position,
        message: `${position}: duplicate key ${duplicate} (only the last is kept; Kubernetes' strict decoding rejects it)`
      })
    }
    binaryAsBase64(document)
    entries.push(...expandList(document, position))
  })
  for (const { document, position } of entries) {
    if (document.contents === null) continue
    const plain = toPlain(document)
    if (plain === null || plain === undefined) continue
    if (!isMap(document.contents) || typeof plain !== 'object' || Array.isArray(plain)) {
      problems.push({
        rule: 'invalid-resource',
        resource: position,
        message: `${position} is not a Kubernetes object (expected a mapping)`
      })
      continue
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
      continue
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
      continue
    }
    const id = formatId(identity)
    const previous = seen.get(id)
    if (previous !== undefined) {
      problems.push({
        rule: 'duplicate-resource',
        resource: label,
        message: `duplicate resource ${id} (${previous} and ${position}); the second is left out`
      })
      continue
    }
    seen.set(id, position)
    stripComments(document)
    resources.push({
      ...identity,
      apiVersion,
      id,
      object,
      document,
      yaml: serializeDocument(document)
    })
  }
  return { resources, problems }
}

/**
 * `kind: List` and typed lists (`SecretList`, …) become one document per item, as Argo CD
 * and kubectl read them, so every rule and every mask sees each item. Items of a typed list
 * that omit apiVersion/kind get the list's.
 */
function expandList(
  document: Document,
  position: string
): Array<{ document: Document; position: string }> {
  const root = document.contents
  if (!isMap(root)) return [{ document, position }]
  const kind = root.get('kind')
  const items = root.get('items', true)
  if (typeof kind !== 'string' || !kind.endsWith('List') || !isSeq(items))
    return [{ document, position }]
  const apiVersion = root.get('apiVersion')
  return items.items.map((item, index) => {
    const single = new Document(null, { version: '1.1' })
    single.contents = item as Node
    if (isMap(item) && kind !== 'List') {
      if (!item.has('kind')) item.set('kind', kind.slice(0, -'List'.length))
      if (!item.has('apiVersion') && typeof apiVersion === 'string')
        item.set('apiVersion', apiVersion)
    }
    return { document: single, position: `${position} item ${index + 1}` }
  })
}

/** `!!binary` scalars become the base64 strings the API server (and JSON) holds. */
function binaryAsBase64(document: Document): void {
  visit(document, {
    Scalar(_key, node) {
      if (node.value instanceof Uint8Array) {
        node.value = Buffer.from(node.value).toString('base64')
        node.tag = undefined
      }
    }
  })
}

/**
 * Removes all but the last of repeated keys in every mapping (what a lenient decoder keeps)
 * and says where they were: the earlier values, e.g. a Secret's first `password`, must not
 * reach any output. Returns `"key" in path (line N)` per duplicate, never a value.
 */
function removeDuplicateKeys(document: Document, lineCounter: LineCounter): string[] {
  const found: string[] = []
  visit(document, {
    Map(_key, map: YAMLMap, path) {
      const last = new Map<string, number>()
      map.items.forEach((pair, index) => {
        if (isScalar(pair.key)) last.set(String(pair.key.value), index)
      })
      if (last.size === map.items.length) return
      const where = path
        .filter(isPair)
        .map(p => (isScalar(p.key) ? String(p.key.value) : '?'))
        .join('.')
      map.items = map.items.filter((pair, index) => {
        if (!isScalar(pair.key)) return true
        const name = String(pair.key.value)
        if (last.get(name) === index) return true
        const line = pair.key.range ? lineCounter.linePos(pair.key.range[0]).line : undefined
        found.push(
          `${JSON.stringify(name)}${where ? ` in ${where}` : ''}${line ? ` (rendered line ${line})` : ''}`
        )
        return false
      })
    }
  })
  return found
}

/** All resources as one multi-document stream, in the order the tool emitted them. */
export function serializeManifests(resources: readonly Resource[]): string {
  return resources.map(r => r.yaml).join('---\n')
}
