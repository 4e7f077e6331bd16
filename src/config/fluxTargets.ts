import { clusterOf, planKustomization } from '../flux/kustomization.js'
import { isObject, readFluxObjects, type FluxFinding, type FluxObject } from '../flux/objects.js'
import { fillTemplate } from './discover.js'
import type { Defaults, FluxDiscoveryReport, KustomizeEdits, Target } from './types.js'

/** What discovery of Flux Kustomizations read: to map the ones rendered output declares. */
export interface FluxContext {
  repoRoot: string
  defaults: Defaults
  /** ConfigMaps, Secrets and GitRepositories of the repository's files. */
  others: FluxObject[]
  /** Kustomizations of files outside every `clusters/<env>/`: reached from another, or skipped. */
  unplaced: FluxObject[]
  /** `env/namespace/name` of every Kustomization mapped so far. */
  seen: Set<string>
  findings: FluxFinding[]
}

export interface FluxDiscovery {
  targets: Target[]
  context: FluxContext
}

/**
 * Zero-config Flux: a target per Kustomization in `clusters/<env>/…` (env: that directory),
 * its spec.path rendered as Flux builds it, postBuild variables applied (docs/flux.md).
 */
export function discoverFluxTargets(
  repoRoot: string,
  defaults: Defaults,
  objects = readFluxObjects(repoRoot)
): FluxDiscovery {
  const context: FluxContext = {
    repoRoot,
    defaults,
    others: objects.others,
    unplaced: [],
    seen: new Set(),
    findings: [...objects.findings]
  }
  const targets: Target[] = []
  for (const kustomization of objects.kustomizations) {
    const env = clusterOf(kustomization.location.file)
    if (env === undefined) {
      context.unplaced.push(kustomization)
      continue
    }
    const target = fluxTarget(kustomization, env, context, {
      origin: `Kustomization ${kustomization.name} (${kustomization.location.file})`,
      definedBy: [kustomization.location.file]
    })
    if (target) targets.push(target)
  }
  return { targets, context }
}

/** The identity under which a Kustomization is mapped once per environment. */
export function fluxKey(env: string, namespace: string, name: string): string {
  return `${env}/${namespace || 'flux-system'}/${name}`
}

/** One Kustomization's target in `env`, or a finding in the context. Undefined when seen. */
export function fluxTarget(
  kustomization: Pick<FluxObject, 'object' | 'namespace' | 'name' | 'location'>,
  env: string,
  context: FluxContext,
  where: { origin: string; definedBy: string[] }
): Target | undefined {
  const key = fluxKey(env, kustomization.namespace, kustomization.name)
  if (context.seen.has(key)) return undefined
  context.seen.add(key)
  const subject = `Kustomization ${kustomization.name || '(unnamed)'}`
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(kustomization.name)) {
    context.findings.push({
      location: kustomization.location,
      subject,
      kind: 'invalid',
      message: 'metadata.name is missing or not a valid name'
    })
    return undefined
  }
  const plan = planKustomization(kustomization, env, context.repoRoot, context.others)
  if (!plan.ok) {
    context.findings.push({
      location: kustomization.location,
      subject: `${subject} (${env})`,
      kind: plan.kind,
      message: plan.message
    })
    return undefined
  }
  const name = kustomization.name
  const base = {
    name: `${name}-${env}`,
    env,
    path: name,
    branch: fillTemplate(context.defaults.branch, { env, name }).value,
    layout: context.defaults.layout,
    prune: context.defaults.prune,
    allowSecrets: false,
    source: plan.source,
    location: kustomization.location,
    origin: where.origin,
    definedBy: [...where.definedBy, ...plan.varFiles],
    ...(Object.keys(plan.vars).length > 0 ? { fluxSubstitute: plan.vars } : {})
  }
  if (plan.type === 'directory') return { ...base, type: 'directory' }
  return {
    ...base,
    type: 'kustomize',
    kustomize: {
      enableHelm: false,
      loadRestrictor: 'rootOnly',
      allowRemoteBases: false,
      allowOutsideReads: false,
      edits: fluxEdits(plan.spec)
    }
  }
}

/** Flux's kustomization edits (targetNamespace, namePrefix, images, …), if it has any. */
function fluxEdits(spec: Record<string, unknown>): KustomizeEdits | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
  const images = (Array.isArray(spec.images) ? spec.images : []).filter(isObject).map(image => {
    const newName = text(image.newName)
    const tag = text(image.newTag)
    const digest = text(image.digest)
    return `${String(image.name)}${newName ? `=${newName}` : ''}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`
  })
  const metadata = isObject(spec.commonMetadata) ? spec.commonMetadata : {}
  const strings = (value: unknown) =>
    Object.fromEntries(Object.entries(isObject(value) ? value : {}).map(([k, v]) => [k, String(v)]))
  const edits: KustomizeEdits = {
    namespace: text(spec.targetNamespace),
    namePrefix: text(spec.namePrefix),
    nameSuffix: text(spec.nameSuffix),
    images,
    replicas: [],
    commonLabels: strings(metadata.labels),
    forceCommonLabels: true,
    labelWithoutSelector: true,
    labelIncludeTemplates: false,
    commonAnnotations: strings(metadata.annotations),
    forceCommonAnnotations: true,
    patches: Array.isArray(spec.patches) ? spec.patches : [],
    components: (Array.isArray(spec.components) ? spec.components : []).map(String)
  }
  const any =
    edits.namespace ??
    edits.namePrefix ??
    edits.nameSuffix ??
    (images.length + edits.patches.length + edits.components.length > 0 ||
    Object.keys(edits.commonLabels).length + Object.keys(edits.commonAnnotations).length > 0
      ? true
      : undefined)
  return any === undefined ? undefined : edits
}

/** The findings, with the Kustomizations outside every cluster's that no other one reached. */
export function fluxReport(context: FluxContext): FluxDiscoveryReport {
  return { findings: [...context.findings, ...unreachedFindings(context)] }
}

function unreachedFindings(context: FluxContext): FluxFinding[] {
  const findings: FluxFinding[] = []
  for (const kustomization of context.unplaced) {
    const reached = [...context.seen].some(key =>
      key.endsWith(`/${kustomization.namespace || 'flux-system'}/${kustomization.name}`)
    )
    if (!reached)
      findings.push({
        location: kustomization.location,
        subject: `Kustomization ${kustomization.name || '(unnamed)'}`,
        kind: 'skipped',
        message:
          'not in a clusters/<env>/ directory, and no Kustomization of a cluster has it in its output'
      })
  }
  return findings
}
