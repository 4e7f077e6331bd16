import { getErrorMessage } from '../errors.js'

/** A built-in model: validate() throws with the schema errors. */
type ModelClass = new (data: Record<string, unknown>) => { validate(): void }

export type SchemaResult = { known: false } | { known: true; errors: string[] }

/**
 * Validates an object against the Kubernetes OpenAPI schema of its apiVersion and kind
 * (from kubernetes-models). Custom resources and unknown versions are `known: false`.
 */
export type SchemaValidator = (object: Record<string, unknown>) => SchemaResult

let loading: Promise<SchemaValidator> | undefined

/**
 * kubernetes-models is most of the bundle (a chunk of its own): only a run that validates
 * loads it, once. Started early (`preloadSchemaValidator`), its compile overlaps the waits
 * on git and the render processes instead of adding to the run.
 */
export function loadSchemaValidator(): Promise<SchemaValidator> {
  loading ??= importModels().then(models =>
    validatorOf(modelRegistry(models as unknown as Record<string, unknown>))
  )
  return loading
}

/**
 * kubernetes-models without Node's DEP0040 warning on stderr: its format checks
 * (ajv-formats-draft2019) `require('punycode')` meaning their userland dependency, which Node
 * resolves to its deprecated built-in of the same code. Node keeps quiet about that inside
 * node_modules, but the bundle is not there, so on Node 22+ every validating run printed it.
 */
async function importModels(): Promise<unknown> {
  const emit = process.emitWarning
  const punycode = (args: unknown[]) =>
    args[2] === 'DEP0040' ||
    (typeof args[1] === 'object' && (args[1] as { code?: unknown } | null)?.code === 'DEP0040')
  process.emitWarning = ((...args: unknown[]) => {
    if (!punycode(args)) (emit as (...a: unknown[]) => void).apply(process, args)
  }) as typeof process.emitWarning
  try {
    return await import('kubernetes-models')
  } finally {
    process.emitWarning = emit
  }
}

/** Starts loading the validator; a failure surfaces where it is awaited. */
export function preloadSchemaValidator(): void {
  loadSchemaValidator().catch(() => undefined)
}

/** `apiVersion/kind` → model, for every built-in kind kubernetes-models knows. */
function modelRegistry(models: Record<string, unknown>): Map<string, ModelClass> {
  const registry = new Map<string, ModelClass>()
  const walk = (namespace: Record<string, unknown>) => {
    for (const value of Object.values(namespace)) {
      const model = value as { apiVersion?: unknown; kind?: unknown }
      if (
        typeof value === 'function' &&
        typeof model.apiVersion === 'string' &&
        typeof model.kind === 'string'
      ) {
        registry.set(`${model.apiVersion}/${model.kind}`, value as unknown as ModelClass)
      } else if (value && typeof value === 'object') {
        walk(value as Record<string, unknown>)
      }
    }
  }
  walk(models)
  return registry
}

interface SchemaErrorDetail {
  instancePath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

/** What kubernetes-models accepts as `format: byte` (unwrapped standard base64). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function validatorOf(registry: ReadonlyMap<string, ModelClass>): SchemaValidator {
  return object => {
    const Model = registry.get(`${String(object.apiVersion)}/${String(object.kind)}`)
    if (!Model) return { known: false }
    // A copy whose wrapped base64 is unwrapped, one round per field the schema names.
    let checked = object
    for (;;) {
      const details = schemaErrors(Model, checked)
      if (details === undefined) return { known: true, errors: [] }
      if (!Array.isArray(details)) return { known: true, errors: [details] }
      const unwrapped = unwrapBase64(checked, details)
      if (unwrapped) {
        checked = unwrapped
        continue
      }
      const messages = details.map(
        d =>
          `${d.instancePath || '/'} ${d.message ?? 'is invalid'}${d.params?.allowedValues ? ` (${JSON.stringify(d.params.allowedValues)})` : ''}`
      )
      return { known: true, errors: [...new Set(messages)] }
    }
  }
}

/** undefined: valid; the schema's errors; or the message of another failure. */
function schemaErrors(
  Model: ModelClass,
  object: Record<string, unknown>
): SchemaErrorDetail[] | string | undefined {
  try {
    new Model(object).validate()
    return undefined
  } catch (error) {
    const details = (error as { errors?: SchemaErrorDetail[] }).errors
    return Array.isArray(details) && details.length > 0 ? details : getErrorMessage(error)
  }
}

/**
 * The API server decodes `format: byte` with Go's base64 decoder, which skips line breaks
 * (kustomize wraps a binaryData file's base64 over lines). A copy of `object` with each such
 * failing value unwrapped, or undefined when no error is of that kind.
 */
function unwrapBase64(
  object: Record<string, unknown>,
  details: readonly SchemaErrorDetail[]
): Record<string, unknown> | undefined {
  let copy: Record<string, unknown> | undefined
  for (const detail of details) {
    if (detail.keyword !== 'format' || detail.params?.format !== 'byte') continue
    const keys = (detail.instancePath ?? '')
      .split('/')
      .slice(1)
      .map(key => key.replace(/~1/g, '/').replace(/~0/g, '~'))
    const last = keys.pop()
    if (last === undefined) continue
    copy ??= structuredClone(object)
    let parent: unknown = copy
    for (const key of keys) parent = (parent as Record<string, unknown> | undefined)?.[key]
    if (typeof parent !== 'object' || parent === null) continue
    const holder = parent as Record<string, unknown>
    const value = holder[last]
    if (typeof value !== 'string' || !/[\r\n]/.test(value)) continue
    const joined = value.replace(/[\r\n]/g, '')
    if (!BASE64.test(joined)) continue
    holder[last] = joined
    return copy
  }
  return undefined
}
