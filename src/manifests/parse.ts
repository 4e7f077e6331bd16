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
import { kubernetesKey, toArgoValue, UnrepresentableValueError } from './argoValue.js'
import { encodeArgoDocument, joinArgoDocuments } from './argoYaml.js'
import {
  describeResource,
  formatId,
  generatedName,
  groupOf,
  isClusterScoped,
  type Resource,
  type ResourceId
} from './resource.js'
import { parseSimpleDocuments } from './simpleYaml.js'
import { assertValuesIntact } from './valuesIntact.js'
import { KUBERNETES_YAML } from './yaml11.js'
import { isDnsSubdomainName } from './names.js'

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
  // !!binary: go-yaml decodes the base64 into the string's bytes (as argoValue does).
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
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

function nameProblem(group: string, name: string): string | undefined {
  // RBAC objects take any path segment (e.g. system:aggregate-to-admin).
  if (group === 'rbac.authorization.k8s.io')
    return /[/%]/.test(name) || name === '.' || name === '..'
      ? 'is not a valid path segment name'
      : undefined
  if (!isDnsSubdomainName(name))
    return 'is not a valid DNS subdomain name (lower-case letters, digits, "-" and ".", at most 253 characters)'
  return undefined
}

/** Rendered YAML and where it came from. */
export interface ManifestSource {
  text: string
  /**
   * Named in every problem and error, e.g. `clusters/prod/floaty.yaml` (a plain directory's
   * file). Unset for a tool's whole output.
   */
  origin?: string
}

/**
 * Splits rendered YAML into resources. Empty and `null` documents are dropped. YAML that
 * does not parse is an error; documents that are not Kubernetes objects, and a second object
 * with an identity already seen, are left out and reported as problems. Objects with only
 * metadata.generateName are kept, identified by generateName and position (generatedName).
 */
export function parseManifests(
  input: string | readonly ManifestSource[],
  target: string
): ParsedManifests {
  const sources = typeof input === 'string' ? [{ text: input }] : input
  const problems: ManifestProblem[] = []
  const entries: ParsedDocument[] = []
  for (const source of sources) {
    const where = source.origin === undefined ? '' : `${source.origin}: `
    const simple = parseSimpleDocuments(source.text)
    if (simple) {
      simple.forEach((raw, index) =>
        entries.push({
          raw: () => raw,
          isMapping: raw instanceof Map,
          position: `${where}document ${index + 1}`,
          origin: source.origin
        })
      )
      continue
    }
    const lineCounter = new LineCounter()
    const documents = parseAllDocuments(source.text, { ...KUBERNETES_YAML, lineCounter })
    const list = Array.isArray(documents) ? documents : [documents]
    list.forEach((document, index) => {
      const position = `${where}document ${index + 1}`
      const [error] = document.errors
      if (error)
        throw new ManifestError(
          target,
          `${position} is not valid YAML: ${error.message.split('\n')[0]}`
        )
      const lineWord = source.origin === undefined ? 'rendered line' : 'line'
      for (const duplicate of removeDuplicateKeys(document, lineCounter, lineWord)) {
        problems.push({
          rule: 'invalid-resource',
          resource: position,
          message: `${position}: duplicate key ${duplicate} (only the last is kept; Kubernetes' strict decoding rejects it)`
        })
      }
      for (const entry of expandList(document, position))
        if (entry.document.contents !== null)
          entries.push(fromDocument(entry.document, entry.position, source.origin))
    })
  }
  const resources: Resource[] = []
  const seen = new Map<string, string>()
  /** Objects seen so far per group/kind/namespace/generateName: the next one's ordinal. */
  const generated = new Map<string, number>()
  for (const { position, isMapping, origin, ...entry } of entries) {
    const raw = entry.raw()
    let plain: unknown
    try {
      plain = toPlain(raw, '')
    } catch (error) {
      if (!(error instanceof UnrepresentableValueError)) throw error
      throw new ManifestError(target, `${position}: ${error.message}`)
    }
    if (plain === null || plain === undefined) continue
    if (!isMapping || typeof plain !== 'object' || Array.isArray(plain)) {
      problems.push({
        rule: 'invalid-resource',
        resource: position,
        message: `${position} is not a Kubernetes object (expected a mapping)`
      })
      continue
    }
    const object = plain as Record<string, unknown>
    const metadata = object.metadata as Record<string, unknown> | undefined
    const name = nonEmptyString(metadata?.name)
    // Kubernetes ignores generateName when a name is set.
    const generateName = name === undefined ? nonEmptyString(metadata?.generateName) : undefined
    const missing = [
      nonEmptyString(object.apiVersion) ? undefined : 'apiVersion',
      nonEmptyString(object.kind) ? undefined : 'kind',
      (name ?? generateName) ? undefined : 'metadata.name'
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
    if (generateName !== undefined) {
      // The API server checks the prefix as a name with its trailing dash masked.
      const badPrefix = nameProblem(group, generateName.replace(/-$/, 'a'))
      if (badPrefix) {
        problems.push({
          rule: 'invalid-resource',
          resource: describeResource({ group, kind, namespace, name: `${generateName}*` }),
          message: `metadata.generateName ${JSON.stringify(generateName)} ${badPrefix}`
        })
        continue
      }
    }
    let identity: ResourceId
    if (generateName === undefined) {
      identity = { group, kind, namespace, name: name as string }
    } else {
      const scope = `${group}/${kind}/${namespace}/${generateName}`
      const ordinal = (generated.get(scope) ?? 0) + 1
      generated.set(scope, ordinal)
      identity = {
        group,
        kind,
        namespace,
        name: generatedName(generateName, ordinal),
        generateName
      }
    }
    const label = describeResource(identity)
    const badName = generateName === undefined ? nameProblem(group, identity.name) : undefined
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
    let yaml: string
    try {
      const value = toArgoValue(raw)
      yaml = encodeArgoDocument(value)
      assertValuesIntact(target, label, value, yaml)
    } catch (error) {
      if (!(error instanceof UnrepresentableValueError)) throw error
      throw new ManifestError(target, `${position} (${label}): ${error.message}`)
    }
    resources.push({ ...identity, apiVersion, id, object, yaml, ...(origin ? { origin } : {}) })
  }
  return { resources, problems }
}

/** A document of the input: its value (as toJS reads it), read once it is needed. */
interface ParsedDocument {
  raw: () => unknown
  isMapping: boolean
  position: string
  origin?: string
}

function fromDocument(document: Document, position: string, origin?: string): ParsedDocument {
  return {
    origin,
    // Maps keep their keys' types, so that keys become strings as Kubernetes makes them.
    raw: () => document.toJS({ maxAliasCount: 1000, mapAsMap: true }),
    isMapping: isMap(document.contents),
    position
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
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

/**
 * Removes all but the last of repeated keys in every mapping (what a lenient decoder keeps)
 * and says where they were: the earlier values, e.g. a Secret's first `password`, must not
 * reach any output. Returns `"key" in path (line N)` per duplicate, never a value.
 */
function removeDuplicateKeys(
  document: Document,
  lineCounter: LineCounter,
  lineWord: string
): string[] {
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
          `${JSON.stringify(name)}${where ? ` in ${where}` : ''}${line ? ` (${lineWord} ${line})` : ''}`
        )
        return false
      })
    }
  })
  return found
}

/**
 * manifest.yaml: all resources, in the order the tool emitted them, byte for byte as Argo CD's
 * source hydrator writes them (docs/adr/0006-argo-yaml-encoding.md).
 */
export function serializeManifests(resources: readonly Resource[]): string {
  return joinArgoDocuments(resources.map(r => r.yaml))
}
