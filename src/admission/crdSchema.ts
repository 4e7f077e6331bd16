import type { JsonObject as Obj } from '../manifests/resource.js'
import { checkFormat } from './cel/format.js'
import { compileRe2 } from './cel/regex.js'
import { getOwn, setOwn } from '../security/ownProperty.js'

/** An OpenAPI v3 structural schema node of a CRD version (the fields the API server uses). */
export type Schema = Obj

export interface SchemaError {
  /** `spec.replicas`, `spec.ports[0].name`; '' for the object itself. */
  field: string
  message: string
}

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : typeof value

const join = (field: string, key: string) => (field ? `${field}.${key}` : key)
const props = (schema: Schema) => (schema.properties as Record<string, Schema> | undefined) ?? {}

/** Applies the schema's `default`s (deep copies), as the API server does before validating. */
export function applyDefaults(value: unknown, schema: Schema): unknown {
  if (Array.isArray(value) && schema.items)
    return value.map(item => applyDefaults(item, schema.items as Schema))
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const object = { ...(value as Obj) }
  for (const [key, child] of Object.entries(props(schema))) {
    if (getOwn(object, key) === undefined && child.default !== undefined)
      setOwn(object, key, structuredClone(child.default))
    const present = getOwn(object, key)
    if (present !== undefined) setOwn(object, key, applyDefaults(present, child))
  }
  const extra = schema.additionalProperties
  if (extra && typeof extra === 'object')
    for (const key of Object.keys(object))
      if (!Object.hasOwn(props(schema), key))
        setOwn(object, key, applyDefaults(object[key], extra as Schema))
  return object
}

/**
 * Validates a value against a structural schema: types, nullable, int-or-string, enum,
 * pattern (RE2), format, bounds, lengths, items, required, additionalProperties, unknown
 * fields (kubectl's strict validation) unless preserved, embedded resources.
 */
export function validateSchema(
  value: unknown,
  schema: Schema,
  field = '',
  root = true
): SchemaError[] {
  const errors: SchemaError[] = []
  const fail = (message: string) => errors.push({ field, message })
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) fail('Invalid value: null: must not be null')
    return errors
  }
  const actual = typeOf(value)
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (actual !== 'integer' && actual !== 'string')
      fail(`Invalid value: "${actual}": must be an integer or a string`)
  } else if (typeof schema.type === 'string') {
    const fits = schema.type === actual || (schema.type === 'number' && actual === 'integer')
    if (!fits) {
      fail(`Invalid value: "${actual}": ${field || 'body'} must be of type ${schema.type}`)
      return errors
    }
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some(e => JSON.stringify(e) === JSON.stringify(value))
  )
    fail(
      `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map(e => JSON.stringify(e)).join(', ')}`
    )
  if (typeof value === 'string') checkString(value, schema, fail)
  if (typeof value === 'number') checkNumber(value, schema, fail)
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      fail(`Invalid value: ${value.length}: must have at least ${schema.minItems} items`)
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      fail(`Too many: ${value.length}: must have at most ${schema.maxItems} items`)
    if (
      schema.uniqueItems === true &&
      new Set(value.map(v => JSON.stringify(v))).size !== value.length
    )
      fail('Duplicate value: items must be unique')
    if (schema.items)
      value.forEach((item, i) =>
        errors.push(...validateSchema(item, schema.items as Schema, `${field}[${i}]`, false))
      )
  } else if (actual === 'object') {
    errors.push(...checkObject(value as Obj, schema, field, root))
  }
  return errors
}

function checkString(value: string, schema: Schema, fail: (message: string) => void) {
  const length = [...value].length
  if (typeof schema.minLength === 'number' && length < schema.minLength)
    fail(`Invalid value: "${value}": should be at least ${schema.minLength} chars long`)
  if (typeof schema.maxLength === 'number' && length > schema.maxLength)
    fail(`Too long: may not be more than ${schema.maxLength} bytes`)
  if (typeof schema.pattern === 'string' && !compileRe2(schema.pattern).test(value))
    fail(`Invalid value: "${value}": should match '${schema.pattern}'`)
  if (typeof schema.format === 'string') {
    const problems = checkFormat(schema.format, value)
    if (problems && problems.length > 0) fail(`Invalid value: "${value}": ${problems.join('; ')}`)
  }
}

function checkNumber(value: number, schema: Schema, fail: (message: string) => void) {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema
  if (
    typeof minimum === 'number' &&
    (exclusiveMinimum === true ? value <= minimum : value < minimum)
  )
    fail(
      `Invalid value: ${value}: should be greater than ${exclusiveMinimum === true ? '' : 'or equal to '}${minimum}`
    )
  if (
    typeof maximum === 'number' &&
    (exclusiveMaximum === true ? value >= maximum : value > maximum)
  )
    fail(
      `Invalid value: ${value}: should be less than ${exclusiveMaximum === true ? '' : 'or equal to '}${maximum}`
    )
  if (typeof multipleOf === 'number' && value % multipleOf !== 0)
    fail(`Invalid value: ${value}: should be a multiple of ${multipleOf}`)
}

const EMBEDDED = ['apiVersion', 'kind', 'metadata']

function checkObject(value: Obj, schema: Schema, field: string, root: boolean): SchemaError[] {
  const errors: SchemaError[] = []
  const properties = props(schema)
  const embedded = schema['x-kubernetes-embedded-resource'] === true
  for (const key of (schema.required as string[] | undefined) ?? [])
    if (value[key] === undefined)
      errors.push({ field: join(field, key), message: 'Required value' })
  if (embedded)
    for (const key of ['apiVersion', 'kind'])
      if (typeof value[key] !== 'string' || value[key] === '')
        errors.push({ field: join(field, key), message: 'Required value: must not be empty' })
  const keys = Object.keys(value)
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties)
    errors.push({
      field,
      message: `Invalid value: should have at least ${schema.minProperties} properties`
    })
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties)
    errors.push({
      field,
      message: `Too many: should have at most ${schema.maxProperties} properties`
    })
  const extra = schema.additionalProperties
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true
  for (const key of keys) {
    const child = properties[key]
    if (child) errors.push(...validateSchema(value[key], child, join(field, key), false))
    else if (extra && typeof extra === 'object')
      errors.push(...validateSchema(value[key], extra as Schema, join(field, key), false))
    else if ((root || embedded) && EMBEDDED.includes(key)) continue
    else if (extra === false || (!preserve && extra !== true))
      errors.push({ field: join(field, key), message: 'unknown field' })
  }
  return errors
}
