import type { JsonObject as Obj } from '../manifests/resource.js'
import { fromCel, toCel } from './cel/values.js'
import { applyDefaults, validateSchema, type Schema, type SchemaError } from './crdSchema.js'
import { programOf } from './evaluate.js'
import type { AdmissionObject } from './types.js'

export const CRD_API = 'apiextensions.k8s.io/v1'

export const isCrd = (o: Obj) => o.apiVersion === CRD_API && o.kind === 'CustomResourceDefinition'

/** CRDs by `group/kind`. */
export function indexCrds(items: readonly AdmissionObject[]): Map<string, AdmissionObject> {
  const index = new Map<string, AdmissionObject>()
  for (const item of items) {
    if (!isCrd(item.object)) continue
    const spec = (item.object.spec as Obj | undefined) ?? {}
    const kind = (spec.names as Obj | undefined)?.kind
    index.set(`${String(spec.group)}/${String(kind)}`, item)
  }
  return index
}

/**
 * A custom resource against the CRD's served version: defaults applied first, then the
 * structural schema, then the `x-kubernetes-validations` rules (`oldSelf` rules only on an
 * UPDATE, where the base has the object).
 */
export function validateCustomResource(
  crd: AdmissionObject,
  object: Obj,
  oldObject?: Obj
): SchemaError[] {
  const version = String(object.apiVersion).split('/').pop()
  const versions = ((crd.object.spec as Obj).versions as Obj[] | undefined) ?? []
  const index = versions.findIndex(v => v.name === version)
  const served = versions[index]
  if (!served || served.served === false)
    return [
      {
        field: 'apiVersion',
        message: `version ${version} is not served by CustomResourceDefinition ${String((crd.object.metadata as Obj)?.name)}`
      }
    ]
  const schema = (served.schema as Obj | undefined)?.openAPIV3Schema as Schema | undefined
  if (!schema) return []
  const defaulted = applyDefaults(object, schema)
  const errors = validateSchema(defaulted, schema)
  if (errors.length > 0) return errors
  const oldDefaulted = oldObject && applyDefaults(oldObject, schema)
  return runRules(crd, defaulted, oldDefaulted, schema, '', [
    'spec',
    'versions',
    index,
    'schema',
    'openAPIV3Schema'
  ])
}

function runRules(
  crd: AdmissionObject,
  value: unknown,
  old: unknown,
  schema: Schema,
  field: string,
  at: Array<string | number>
): SchemaError[] {
  if (value === undefined || value === null) return []
  const errors: SchemaError[] = []
  const rules = (schema['x-kubernetes-validations'] as Obj[] | undefined) ?? []
  rules.forEach((rule, i) => {
    const expression = String(rule.rule)
    const transition = /\boldSelf\b/.test(expression)
    if (transition && (old === undefined || rule.optionalOldSelf === true)) return
    const program = programOf(crd, [...at, 'x-kubernetes-validations', i, 'rule'], expression)
    const bindings = { self: toCel(value), ...(transition ? { oldSelf: toCel(old) } : {}) }
    const outcome = program.evaluate(bindings)
    const where =
      typeof rule.fieldPath === 'string'
        ? `${field}${rule.fieldPath.startsWith('.') || !field ? '' : '.'}${rule.fieldPath}`.replace(
            /^\./,
            ''
          )
        : field
    if (!outcome.ok) {
      errors.push({
        field: where,
        message: `rule ${expression} could not be evaluated: ${outcome.error}`
      })
      return
    }
    if (outcome.value === true) return
    let message =
      typeof rule.message === 'string' && rule.message ? rule.message : `failed rule: ${expression}`
    if (typeof rule.messageExpression === 'string') {
      const text = programOf(
        crd,
        [...at, 'x-kubernetes-validations', i, 'messageExpression'],
        rule.messageExpression
      ).evaluate(bindings)
      const said = text.ok ? fromCel(text.value) : undefined
      if (typeof said === 'string' && said.trim()) message = said
    }
    errors.push({ field: where, message: `Invalid value: ${message}` })
  })
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {}
  if (Array.isArray(value)) {
    if (schema.items)
      value.forEach((item, i) =>
        errors.push(
          ...runRules(crd, item, undefined, schema.items as Schema, `${field}[${i}]`, [
            ...at,
            'items'
          ])
        )
      )
  } else if (typeof value === 'object') {
    const object = value as Obj
    const oldObject = old && typeof old === 'object' ? (old as Obj) : undefined
    for (const [key, child] of Object.entries(properties))
      errors.push(
        ...runRules(crd, object[key], oldObject?.[key], child, field ? `${field}.${key}` : key, [
          ...at,
          'properties',
          key
        ])
      )
    const extra = schema.additionalProperties
    if (extra && typeof extra === 'object')
      for (const key of Object.keys(object).filter(k => !(k in properties)))
        errors.push(
          ...runRules(
            crd,
            object[key],
            oldObject?.[key],
            extra as Schema,
            field ? `${field}.${key}` : key,
            [...at, 'additionalProperties']
          )
        )
  }
  return errors
}
