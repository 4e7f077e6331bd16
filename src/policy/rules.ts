import type { PolicyRuleId } from '../config/types.js'
import {
  describeResource,
  isCoreSecret,
  type Resource,
  type JsonObject as Obj
} from '../manifests/resource.js'
import type { SchemaValidator } from './schema.js'
import type { RuleSeverity } from './types.js'
import { WORKLOAD_KINDS } from '../manifests/objects.js'

export interface RuleContext {
  target: string
  allowSecrets: boolean
  requireDigest: boolean
  /** Loaded only when the schema rule is on for a target with resources. */
  validateSchema: SchemaValidator
}

/** What a rule found on one resource (the target and severity are added by the caller). */
export interface RuleHit {
  resource: string
  message: string
}

export interface Rule {
  id: PolicyRuleId
  defaultSeverity: RuleSeverity
  /** Checks one resource. Document-level rules (duplicate, invalid) come from parsing. */
  check?: (resource: Resource, context: RuleContext, stats: PolicyStats) => RuleHit[]
}

export interface PolicyStats {
  /** Resources validated against a known schema. */
  schemaChecked: number
  /** Resources whose schema is unknown (custom resources): skipped, counted. */
  schemaSkipped: number
  /** SOPS-encrypted objects, exempt from the schema rule. */
  sopsExempt: number
}

/** A SOPS-encrypted object: `sops` metadata, and every data/stringData value `ENC[…]`. */
export function isSopsEncrypted(object: Obj): boolean {
  const sops = object.sops as Obj | undefined
  if (!sops || typeof sops !== 'object' || (!('mac' in sops) && !('lastmodified' in sops)))
    return false
  const values = ['data', 'stringData'].flatMap(field =>
    Object.values((object[field] as Obj | undefined) ?? {})
  )
  return values.every(value => typeof value === 'string' && /^ENC\[.*\]$/s.test(value))
}

function nonEmpty(value: unknown): boolean {
  return !!value && typeof value === 'object' && Object.keys(value as Obj).length > 0
}

const plaintextSecret: Rule = {
  id: 'plaintext-secret',
  defaultSeverity: 'error',
  check(resource, context) {
    if (!isCoreSecret(resource.object)) return []
    const { object } = resource
    const fields = ['data', 'stringData'].filter(field => nonEmpty(object[field]))
    if (fields.length === 0 || context.allowSecrets || isSopsEncrypted(object)) return []
    const keys = fields.flatMap(field =>
      Object.keys(object[field] as Obj).map(key => `${field}.${key}`)
    )
    return [
      {
        resource: describeResource(resource),
        message: `Secret would be committed to Git in plaintext (${keys.join(', ')}); use SOPS, Sealed Secrets or External Secrets, or set allowSecrets: true on the target`
      }
    ]
  }
}

/** Pod specs of a resource: a Pod's own, or its pod template's, for every workload kind. */
function podSpecs(resource: Resource): Array<{ path: string; spec: Obj }> {
  const o = resource.object
  const get = (path: string[]) =>
    path.reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Obj)[key] : undefined),
      o
    )
  const candidates: Array<[string, string[]]> =
    resource.kind === 'Pod'
      ? [['spec', ['spec']]]
      : resource.kind === 'CronJob'
        ? [
            [
              'spec.jobTemplate.spec.template.spec',
              ['spec', 'jobTemplate', 'spec', 'template', 'spec']
            ]
          ]
        : [['spec.template.spec', ['spec', 'template', 'spec']]]
  return candidates.flatMap(([path, keys]) => {
    const spec = get(keys)
    return spec && typeof spec === 'object' ? [{ path, spec: spec as Obj }] : []
  })
}

/** Why an image reference is mutable, or undefined when it is pinned. */
export function mutableImageReason(image: string, requireDigest: boolean): string | undefined {
  if (image.includes('@sha256:') || /@[a-z0-9]+:[a-f0-9]{32,}$/.test(image)) return undefined
  if (requireDigest) return 'is not pinned by digest'
  const lastSegment = image.slice(image.lastIndexOf('/') + 1)
  const colon = lastSegment.lastIndexOf(':')
  if (colon === -1) return 'has no tag (it means :latest)'
  if (lastSegment.slice(colon + 1) === 'latest') return 'uses the mutable tag :latest'
  return undefined
}

const mutableImageTag: Rule = {
  id: 'mutable-image-tag',
  defaultSeverity: 'warning',
  check(resource, context) {
    if (!WORKLOAD_KINDS.has(resource.kind)) return []
    const hits: RuleHit[] = []
    for (const { path, spec } of podSpecs(resource)) {
      for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
        const containers = spec[field]
        if (!Array.isArray(containers)) continue
        containers.forEach((container: Obj, index) => {
          const image = container?.image
          if (typeof image !== 'string') return
          const reason = mutableImageReason(image, context.requireDigest)
          if (reason)
            hits.push({
              resource: describeResource(resource),
              message: `${path}.${field}[${index}] (${String(container.name ?? index)}) image ${image} ${reason}`
            })
        })
      }
    }
    return hits
  }
}

const schema: Rule = {
  id: 'schema',
  defaultSeverity: 'error',
  check(resource, context, stats) {
    if (isSopsEncrypted(resource.object)) {
      stats.sopsExempt++
      return []
    }
    const result = context.validateSchema(resource.object)
    if (!result.known) {
      stats.schemaSkipped++
      return []
    }
    stats.schemaChecked++
    return result.errors.map(error => ({
      resource: describeResource(resource),
      message: `${resource.apiVersion} ${resource.kind}: ${error}`
    }))
  }
}

export const RULES: Rule[] = [
  plaintextSecret,
  mutableImageTag,
  { id: 'duplicate-resource', defaultSeverity: 'error' },
  { id: 'invalid-resource', defaultSeverity: 'error' },
  schema
]
