import { celMap, type CelInput } from '@bufbuild/cel'
import { compileCel, type CelProgram } from './cel/env.js'
import { fromCel, toCel } from './cel/values.js'
import type { JsonObject as Obj } from '../manifests/resource.js'
import type { AdmissionObject, ValidationAction, Violation } from './types.js'

const programs = new WeakMap<AdmissionObject, Map<string, CelProgram>>()

/** A policy's expression at `path`, compiled once; a syntax error names its file:line:col. */
export function programOf(
  policy: AdmissionObject,
  path: Array<string | number>,
  source: string
): CelProgram {
  let cache = programs.get(policy)
  if (!cache) programs.set(policy, (cache = new Map()))
  const key = path.join('.')
  let program = cache.get(key)
  if (!program) {
    program = compileCel(
      source,
      policy.source.locate(path),
      `${String((policy.object.metadata as Obj)?.name)} ${key}`
    )
    cache.set(key, program)
  }
  return program
}

/** An object as CEL sees it, converted once for every policy that reads it. */
const converted = new WeakMap<Obj, CelInput>()
function celOf(object: Obj | undefined): CelInput {
  if (!object) return null
  let value = converted.get(object)
  if (value === undefined) converted.set(object, (value = toCel(object)))
  return value
}

export interface Evaluation {
  object: Obj
  oldObject: Obj | undefined
  request: Obj
  params: Obj | undefined
  namespaceObject: Obj | undefined
}

export interface EvaluatedPolicy {
  policy: AdmissionObject
  kind: Violation['kind']
  failurePolicy: 'Fail' | 'Ignore'
  actions: ValidationAction[]
}

/**
 * matchConditions, variables and validations of one policy on one request, as the API server
 * runs them: a false condition skips the policy; an error follows failurePolicy; a false
 * validation is a violation with its message (messageExpression first).
 */
export function evaluatePolicy(p: EvaluatedPolicy, e: Evaluation): Violation[] {
  const spec = (p.policy.object.spec as Obj | undefined) ?? {}
  const name = String((p.policy.object.metadata as Obj)?.name)
  const bindings: Record<string, CelInput> = {
    object: celOf(e.object),
    oldObject: celOf(e.oldObject),
    request: celOf(e.request),
    params: celOf(e.params),
    namespaceObject: celOf(e.namespaceObject)
  }
  const violation = (message: string, field?: string): Violation => ({
    policy: name,
    kind: p.kind,
    message,
    actions: p.actions,
    ...(field ? { field } : {})
  })
  const failed = (what: string, error: string) =>
    p.failurePolicy === 'Ignore' ? [] : [violation(`${what} resulted in error: ${error}`)]

  const conditions = (spec.matchConditions as Obj[] | undefined) ?? []
  for (const [index, condition] of conditions.entries()) {
    const outcome = programOf(
      p.policy,
      ['spec', 'matchConditions', index, 'expression'],
      String(condition.expression)
    ).evaluate(bindings)
    if (!outcome.ok) return failed(`matchCondition ${String(condition.name)}`, outcome.error)
    if (outcome.value !== true) return []
  }
  const variables = new Map<string, CelInput>()
  bindings.variables = celMap(variables as never)
  const broken = new Map<string, string>()
  for (const [index, variable] of ((spec.variables as Obj[] | undefined) ?? []).entries()) {
    const outcome = programOf(
      p.policy,
      ['spec', 'variables', index, 'expression'],
      String(variable.expression)
    ).evaluate(bindings)
    if (outcome.ok) variables.set(String(variable.name), outcome.value as CelInput)
    else broken.set(String(variable.name), outcome.error)
    bindings.variables = celMap(new Map(variables) as never)
  }
  const found: Violation[] = []
  for (const [index, validation] of ((spec.validations as Obj[] | undefined) ?? []).entries()) {
    const expression = String(validation.expression)
    const uses = [...broken].find(([variable]) => expression.includes(`variables.${variable}`))
    if (uses) {
      found.push(...failed(`variable ${uses[0]}`, uses[1]))
      continue
    }
    const outcome = programOf(
      p.policy,
      ['spec', 'validations', index, 'expression'],
      expression
    ).evaluate(bindings)
    if (!outcome.ok) {
      found.push(...failed(`expression '${expression}'`, outcome.error))
      continue
    }
    if (outcome.value === true) continue
    found.push(
      violation(messageOf(p, validation, index, bindings, expression), fieldOf(validation))
    )
  }
  return found
}

function messageOf(
  p: EvaluatedPolicy,
  validation: Obj,
  index: number,
  bindings: Record<string, CelInput>,
  expression: string
): string {
  if (typeof validation.messageExpression === 'string') {
    const outcome = programOf(
      p.policy,
      ['spec', 'validations', index, 'messageExpression'],
      validation.messageExpression
    ).evaluate(bindings)
    const text = outcome.ok ? fromCel(outcome.value) : undefined
    if (typeof text === 'string' && text.trim() !== '' && !text.includes('\n')) return text
  }
  if (typeof validation.message === 'string' && validation.message !== '') return validation.message
  return `failed expression: ${expression}`
}

function fieldOf(validation: Obj): string | undefined {
  return typeof validation.fieldPath === 'string'
    ? validation.fieldPath.replace(/^\./, '')
    : undefined
}
