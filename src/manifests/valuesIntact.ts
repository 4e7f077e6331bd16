import { parseAllDocuments } from 'yaml'
import { HydrateError } from '../errors.js'
import { toArgoValue, type GoValue } from './argoValue.js'
import { parseSimpleDocuments } from './simpleYaml.js'
import { KUBERNETES_YAML } from './yaml11.js'

/**
 * A written document that does not read back as the value it was written from: a bug in
 * the encoder, never the input's fault. Nothing is written or pushed.
 */
export class ValueChangedError extends HydrateError {
  constructor(
    readonly target: string,
    readonly detail: string
  ) {
    super(
      `target ${target}: ${detail}; this is a bug in hydrate's YAML encoder (please report it), nothing was written`
    )
  }
}

/** One document as Kubernetes reads it, in the hydrator's value model. */
export function decodeArgoDocument(yaml: string): GoValue {
  const simple = parseSimpleDocuments(yaml)
  if (simple) {
    if (simple.length !== 1) throw new Error(`${simple.length} documents`)
    return toArgoValue(simple[0])
  }
  const documents = parseAllDocuments(yaml, KUBERNETES_YAML)
  const list = Array.isArray(documents) ? documents : [documents]
  const [document] = list
  if (list.length !== 1 || !document) throw new Error(`${list.length} documents`)
  const [error] = document.errors
  if (error) throw new Error(error.message.split('\n')[0])
  return toArgoValue(document.toJS({ maxAliasCount: 1000, mapAsMap: true }))
}

/**
 * Fails closed unless `yaml` reads back as exactly `value` (what the hydrator holds, which
 * the branch must carry unchanged). The message names the field and the kind of change,
 * never the value: it may be a Secret's.
 */
export function assertValuesIntact(target: string, label: string, value: GoValue, yaml: string) {
  let back: GoValue
  try {
    back = decodeArgoDocument(yaml)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ValueChangedError(target, `${label}: its manifest does not read back (${reason})`)
  }
  const difference = firstDifference(value, back, '')
  if (difference !== undefined)
    throw new ValueChangedError(target, `${label}: ${difference} would change in manifest.yaml`)
}

function describe(value: GoValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `a list of ${value.length}`
  if (typeof value === 'string') return `a string of ${Array.from(value).length} characters`
  if (typeof value === 'bigint') return 'an integer'
  if (typeof value === 'number') return 'a float'
  if (typeof value === 'boolean') return 'a boolean'
  return 'a mapping'
}

/** Where two values differ (`data.key (a string of 3 characters, read back as …)`), if they do. */
function firstDifference(a: GoValue, b: GoValue, path: string): string | undefined {
  const at = path || 'the object'
  const changed = () => `${at} (${describe(a)}, read back as ${describe(b)})`
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return changed()
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i] as GoValue, b[i] as GoValue, `${path}[${i}]`)
      if (found) return found
    }
    return undefined
  }
  if (isMapping(a) || isMapping(b)) {
    if (!isMapping(a) || !isMapping(b)) return changed()
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return changed()
    for (const key of keys) {
      const child = path ? `${path}.${key}` : key
      if (!Object.prototype.hasOwnProperty.call(b, key)) return `${child} (missing when read back)`
      const found = firstDifference(a[key] as GoValue, b[key] as GoValue, child)
      if (found) return found
    }
    return undefined
  }
  if (typeof a !== typeof b) return changed()
  if (typeof a === 'number' && Object.is(a, -0) !== Object.is(b, -0)) return changed()
  if (a !== b)
    return `${at} (${describe(a)}, read back ${typeof a === 'string' ? `as ${describe(b)}` : 'as another value'})`
  return undefined
}

function isMapping(value: GoValue): value is Record<string, GoValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
