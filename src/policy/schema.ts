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
  loading ??= import('kubernetes-models').then(models =>
    validatorOf(modelRegistry(models as unknown as Record<string, unknown>))
  )
  return loading
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

function validatorOf(registry: ReadonlyMap<string, ModelClass>): SchemaValidator {
  return object => {
    const Model = registry.get(`${String(object.apiVersion)}/${String(object.kind)}`)
    if (!Model) return { known: false }
    try {
      new Model(object).validate()
      return { known: true, errors: [] }
    } catch (error) {
      const details = (
        error as {
          errors?: Array<{
            instancePath?: string
            message?: string
            params?: Record<string, unknown>
          }>
        }
      ).errors
      if (Array.isArray(details) && details.length > 0) {
        const messages = details.map(
          d =>
            `${d.instancePath || '/'} ${d.message ?? 'is invalid'}${d.params?.allowedValues ? ` (${JSON.stringify(d.params.allowedValues)})` : ''}`
        )
        return { known: true, errors: [...new Set(messages)] }
      }
      return { known: true, errors: [getErrorMessage(error)] }
    }
  }
}
