import * as models from 'kubernetes-models'
import { getErrorMessage } from '../errors.js'

/** A built-in model: validate() throws with the schema errors. */
type ModelClass = new (data: Record<string, unknown>) => { validate(): void }

let registry: Map<string, ModelClass> | undefined

/** `apiVersion/kind` → model, for every built-in kind kubernetes-models knows. */
function modelRegistry(): Map<string, ModelClass> {
  if (registry) return registry
  registry = new Map()
  const walk = (namespace: Record<string, unknown>) => {
    for (const value of Object.values(namespace)) {
      const model = value as { apiVersion?: unknown; kind?: unknown }
      if (
        typeof value === 'function' &&
        typeof model.apiVersion === 'string' &&
        typeof model.kind === 'string'
      ) {
        registry?.set(`${model.apiVersion}/${model.kind}`, value as unknown as ModelClass)
      } else if (value && typeof value === 'object') {
        walk(value as Record<string, unknown>)
      }
    }
  }
  walk(models as unknown as Record<string, unknown>)
  return registry
}

export type SchemaResult = { known: false } | { known: true; errors: string[] }

/**
 * Validates an object against the Kubernetes OpenAPI schema of its apiVersion and kind
 * (from kubernetes-models). Custom resources and unknown versions are `known: false`.
 */
export function validateSchema(object: Record<string, unknown>): SchemaResult {
  const Model = modelRegistry().get(`${String(object.apiVersion)}/${String(object.kind)}`)
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
