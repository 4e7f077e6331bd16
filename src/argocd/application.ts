import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'yaml'
import { fillTemplate } from '../config/discover.js'
import { checkOutputPath, normalizeOutputPath, resolveInsideRepo } from '../config/paths.js'
import type {
  ArgoCluster,
  ArgoDirectoryOptions,
  ArgoFinding,
  Defaults,
  HelmOptions,
  HelmParameter,
  KustomizeEdits,
  SourceType,
  Target
} from '../config/types.js'
import type { SourceLocation } from '../errors.js'
import { argoDirectoryFiles } from '../sources/directory.js'
import { detectSourceType, findKustomization } from '../sources/kind.js'
import { isExactVersion } from '../sources/remoteChart.js'
import { environmentOf, NoEnvironment } from './environment.js'
import { envsubst as argoEnvsubst } from './envsubst.js'
import { isObject } from './manifests.js'
import { mergeSourceOverrides, SourceOverrideError } from './sourceOverrides.js'

// One Application → one target, with Argo CD's semantics field by field (README "Using your
// Argo CD Applications"). What cannot be rendered as Argo CD would is a finding, never a guess.

export interface ApplicationContext {
  repoRoot: string
  defaults: Defaults
  isThisRepository(url: string): boolean
  /** The clusters the repository declares: `clusters` generators, destination servers. */
  clusters: readonly ArgoCluster[]
}

export interface ApplicationOrigin {
  location: SourceLocation
  /** `Application web`, `ApplicationSet apps (apps/web)`. */
  origin: string
  /** The files that define it (Target.definedBy). */
  definedBy: string[]
}

/** An Application read so far: what it says, where, and the app-of-apps chain that declared it. */
export interface KnownApplication {
  object: Record<string, unknown>
  where: ApplicationOrigin
  /** Application names from the file-declared one down to this one. */
  chain: string[]
}

export function applicationName(app: Record<string, unknown>): string {
  const metadata = isObject(app.metadata) ? app.metadata : {}
  return typeof metadata.name === 'string' ? metadata.name : ''
}

/** Why an Application is not a target: becomes its finding. */
class Problem extends Error {
  constructor(
    readonly kind: ArgoFinding['kind'],
    message: string
  ) {
    super(message)
  }
}

const unsupported = (message: string) => new Problem('unsupported', message)
const invalid = (message: string) => new Problem('invalid', message)

const HELM_KEYS = new Set([
  'valueFiles',
  'parameters',
  'fileParameters',
  'values',
  'valuesObject',
  'releaseName',
  'namespace',
  'skipCrds',
  'skipTests',
  'kubeVersion',
  'apiVersions',
  'ignoreMissingValueFiles',
  // No effect on what renders offline: credentials for chart repositories, helm's major version.
  'passCredentials',
  'version'
])
const KUSTOMIZE_KEYS = new Set([
  'namePrefix',
  'nameSuffix',
  'images',
  'replicas',
  'commonLabels',
  'forceCommonLabels',
  'labelWithoutSelector',
  'labelIncludeTemplates',
  'commonAnnotations',
  'forceCommonAnnotations',
  'commonAnnotationsEnvsubst',
  'namespace',
  'patches',
  'components',
  'ignoreMissingComponents',
  // Selects one of the kustomize binaries configured in argocd-cm; we use the one on PATH.
  'version'
])
const DIRECTORY_KEYS = new Set(['recurse', 'include', 'exclude', 'jsonnet'])

/** The target an Application describes, or the finding that says why there is none. */
export function applicationTarget(
  app: Record<string, unknown>,
  where: ApplicationOrigin,
  context: ApplicationContext
): { target?: Target; finding?: ArgoFinding } {
  const metadata = isObject(app.metadata) ? app.metadata : {}
  const name = typeof metadata.name === 'string' ? metadata.name : ''
  const subject = where.origin
  try {
    if (!name) throw invalid('has no metadata.name')
    return { target: mapApplication(name, metadata, app, where, context) }
  } catch (error) {
    if (!(error instanceof Problem)) throw error
    return {
      finding: { location: where.location, subject, kind: error.kind, message: error.message }
    }
  }
}

interface SourceSpec {
  repoURL?: string
  path?: string
  chart?: string
  targetRevision?: string
  ref?: string
  helm?: Record<string, unknown>
  kustomize?: Record<string, unknown>
  directory?: Record<string, unknown>
  plugin?: unknown
  /** The source as written, for `.argocd-source*.yaml` merges. */
  raw: Record<string, unknown>
}

function sourceOf(value: unknown, what: string): SourceSpec {
  if (!isObject(value)) throw invalid(`${what} must be a mapping`)
  const text = (key: string) => {
    const v = value[key]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string' && typeof v !== 'number')
      throw invalid(`${what}.${key} must be a string`)
    return String(v)
  }
  const section = (key: string) => {
    const v = value[key]
    if (v === undefined || v === null) return undefined
    if (!isObject(v)) throw invalid(`${what}.${key} must be a mapping`)
    return v
  }
  return {
    repoURL: text('repoURL'),
    path: text('path'),
    chart: text('chart'),
    targetRevision: text('targetRevision'),
    ref: text('ref'),
    helm: section('helm'),
    kustomize: section('kustomize'),
    directory: section('directory'),
    plugin: value.plugin ?? undefined,
    raw: value
  }
}

function mapApplication(
  name: string,
  metadata: Record<string, unknown>,
  app: Record<string, unknown>,
  where: ApplicationOrigin,
  context: ApplicationContext
): Target {
  const spec = isObject(app.spec) ? app.spec : {}
  const destination = isObject(spec.destination) ? spec.destination : {}
  const destinationNamespace =
    typeof destination.namespace === 'string' && destination.namespace !== ''
      ? destination.namespace
      : undefined

  // The rendered source, the `ref` sources its value files may name, and the hydrator's branches.
  let source: SourceSpec
  const refs = new Map<string, SourceSpec>()
  let hydrator: { branch: string; path: string; promotionBranch?: string } | undefined
  if (spec.sourceHydrator !== undefined) {
    const sh = spec.sourceHydrator
    if (!isObject(sh)) throw invalid('spec.sourceHydrator must be a mapping')
    source = sourceOf(sh.drySource, 'spec.sourceHydrator.drySource')
    const sync = isObject(sh.syncSource) ? sh.syncSource : {}
    if (typeof sync.targetBranch !== 'string' || sync.targetBranch === '')
      throw invalid('spec.sourceHydrator.syncSource.targetBranch is missing')
    if (typeof sync.path !== 'string' || sync.path === '')
      throw invalid('spec.sourceHydrator.syncSource.path is missing')
    const hydrateTo = isObject(sh.hydrateTo) ? sh.hydrateTo : {}
    hydrator = {
      branch: sync.targetBranch,
      path: sync.path,
      promotionBranch:
        typeof hydrateTo.targetBranch === 'string' && hydrateTo.targetBranch !== ''
          ? hydrateTo.targetBranch
          : undefined
    }
  } else if (Array.isArray(spec.sources) && spec.sources.length > 0) {
    const sources = spec.sources.map((s, i) => sourceOf(s, `spec.sources[${i}]`))
    for (const s of sources) if (s.ref !== undefined) refs.set(s.ref, s)
    // A source with only `ref` (no path, no chart) provides files; the others render.
    const rendering = sources.filter(s => s.path !== undefined || s.chart !== undefined)
    if (rendering.length === 0) throw invalid('no source of spec.sources has a path or a chart')
    if (rendering.length > 1)
      throw unsupported(
        `${rendering.length} of its sources render manifests (Argo CD concatenates them); hydrate renders one source per Application (docs/adr/0017)`
      )
    source = rendering[0] as SourceSpec
  } else if (spec.source !== undefined) {
    source = sourceOf(spec.source, 'spec.source')
  } else {
    throw invalid('has no spec.source, spec.sources or spec.sourceHydrator')
  }

  let env: string
  try {
    env = environmentOf(metadata, destination, hydrator?.branch, context.defaults, context.clusters)
  } catch (error) {
    if (error instanceof NoEnvironment) throw invalid(error.message)
    throw error
  }
  const branch = hydrator?.branch ?? fillTemplate(context.defaults.branch, { env, name }).value
  const outputPath = hydrator?.path ?? name
  const pathProblem = checkOutputPath(outputPath)
  if (pathProblem) throw invalid(`output path ${JSON.stringify(outputPath)} ${pathProblem}`)

  const vars = appEnvironment(name, destinationNamespace, spec, source)
  const base = {
    name,
    env,
    path: normalizeOutputPath(outputPath),
    branch,
    layout: context.defaults.layout,
    prune: context.defaults.prune,
    allowSecrets: false,
    promotionBranch: hydrator?.promotionBranch,
    location: where.location,
    origin: where.origin,
    definedBy: where.definedBy
  }

  if (source.plugin !== undefined)
    throw unsupported('config management plugins (source.plugin) never run in hydrate')
  const repoURL = source.repoURL ?? ''
  const ours = context.isThisRepository(repoURL)

  if (source.chart !== undefined && !ours) {
    return {
      ...base,
      type: 'helm',
      helm: remoteChartHelm(source, refs, name, destinationNamespace, vars, context)
    }
  }
  if (!ours)
    throw new Problem('skipped', `source repoURL ${repoURL || '(none)'} is not this repository`)
  if (source.chart !== undefined)
    throw invalid('source.chart names a chart repository, but repoURL is this git repository')

  const sourceDir = repoPath(context.repoRoot, source.path ?? '', 'source.path')
  const absolute = path.join(context.repoRoot, sourceDir)
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory())
    throw invalid(`source path ${source.path ?? '.'} is not a directory of this repository`)
  const overrides = sourceOverrides(source, sourceDir, name, context)
  source = overrides.source
  base.definedBy = [...base.definedBy, ...overrides.files]
  const type = sourceType(source, absolute)

  switch (type) {
    case 'helm':
      return {
        ...base,
        type,
        source: sourceDir,
        helm: localChartHelm(source, sourceDir, refs, name, destinationNamespace, vars, context)
      }
    case 'kustomize':
      return {
        ...base,
        type,
        source: sourceDir,
        kustomize: {
          enableHelm: false,
          loadRestrictor: 'rootOnly',
          allowRemoteBases: false,
          allowOutsideReads: false,
          edits: kustomizeEdits(source.kustomize, sourceDir, vars, context)
        }
      }
    case 'directory':
      return {
        ...base,
        type,
        source: sourceDir,
        directory: directoryOptions(source.directory, sourceDir, context.repoRoot)
      }
  }
}

/** Argo CD's build environment, for `$ARGOCD_APP_*` in value files, images and labels. */
function appEnvironment(
  name: string,
  namespace: string | undefined,
  spec: Record<string, unknown>,
  source: SourceSpec
): Map<string, string> {
  return new Map([
    ['ARGOCD_APP_NAME', name],
    ['ARGOCD_APP_NAMESPACE', namespace ?? ''],
    ['ARGOCD_APP_PROJECT_NAME', typeof spec.project === 'string' ? spec.project : ''],
    ['ARGOCD_APP_SOURCE_PATH', source.path ?? ''],
    ['ARGOCD_APP_SOURCE_REPO_URL', source.repoURL ?? ''],
    ['ARGOCD_APP_SOURCE_TARGET_REVISION', source.targetRevision ?? '']
  ])
}

/** Argo CD's Envsubst of the build environment; the revision is not known before a commit. */
function envsubst(text: string, vars: Map<string, string>, what: string): string {
  return argoEnvsubst(text, vars, name => {
    throw unsupported(`${what} uses $${name}, which depends on the commit Argo CD renders`)
  })
}

/** A path of this repository, normalized; an escape is invalid. */
function repoPath(repoRoot: string, relative: string, what: string): string {
  // Argo CD reads an absolute path as relative to the repository root.
  const trimmed = relative.replace(/^\/+/, '')
  const checked = resolveInsideRepo(repoRoot, trimmed === '' ? '.' : trimmed)
  if (!checked.ok) throw invalid(`${what}: ${checked.reason}`)
  return checked.path
}

/** The source with `.argocd-source.yaml` and `.argocd-source-<app>.yaml` merged in. */
function sourceOverrides(
  source: SourceSpec,
  sourceDir: string,
  appName: string,
  context: ApplicationContext
): { source: SourceSpec; files: string[] } {
  let merged: ReturnType<typeof mergeSourceOverrides>
  try {
    merged = mergeSourceOverrides(source.raw, context.repoRoot, sourceDir, appName)
  } catch (error) {
    if (error instanceof SourceOverrideError) throw invalid(error.message)
    throw error
  }
  if (merged.files.length === 0) return { source, files: [] }
  const what = `spec.source merged with ${merged.files.join(', ')}`
  const result = sourceOf(merged.source, what)
  if (result.plugin !== undefined)
    throw unsupported(`${what}: config management plugins (source.plugin) never run in hydrate`)
  return { source: result, files: merged.files }
}

/** Argo CD's choice: the one explicit section (helm/kustomize/directory), else by the files. */
function sourceType(source: SourceSpec, absolute: string): SourceType {
  const explicit = (['helm', 'kustomize', 'directory'] as const).filter(
    k => source[k] !== undefined
  )
  if (explicit.length > 1)
    throw invalid(`multiple application sources defined: ${explicit.join(', ')}`)
  const type = explicit[0] ?? detectSourceType(absolute)
  if (type === 'helm' && !fs.existsSync(path.join(absolute, 'Chart.yaml')))
    throw invalid(`helm source ${source.path ?? '.'} has no Chart.yaml`)
  if (type === 'kustomize' && !findKustomization(absolute))
    throw invalid(`kustomize source ${source.path ?? '.'} has no kustomization.yaml`)
  return type
}

function checkKeys(
  section: Record<string, unknown> | undefined,
  allowed: Set<string>,
  what: string
) {
  for (const key of Object.keys(section ?? {}))
    if (!allowed.has(key)) throw unsupported(`${what}.${key} is not supported`)
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string'))
    throw invalid(`${what} must be a list of strings`)
  return value as string[]
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) throw invalid(`${what} must be a mapping`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) out[k] = String(v)
  return out
}

/** The helm options common to local and remote charts (Argo CD's helmTemplate). */
function helmCommon(
  helm: Record<string, unknown>,
  appName: string,
  destinationNamespace: string | undefined,
  vars: Map<string, string>
): HelmOptions {
  checkKeys(helm, HELM_KEYS, 'helm')
  const parameters: HelmParameter[] = []
  const rawParameters = helm.parameters ?? []
  if (!Array.isArray(rawParameters)) throw invalid('helm.parameters must be a list')
  for (const p of rawParameters) {
    if (!isObject(p) || typeof p.name !== 'string') throw invalid('helm.parameters need a name')
    // repository.go substitutes the values of --set and --set-string (not the names).
    const value = p.value === undefined || p.value === null ? '' : String(p.value)
    parameters.push({
      name: p.name,
      value: envsubst(value, vars, `helm.parameters ${p.name}`),
      forceString: p.forceString === true
    })
  }
  let valuesYaml: string | undefined
  if (helm.valuesObject !== undefined && helm.valuesObject !== null) {
    if (!isObject(helm.valuesObject)) throw invalid('helm.valuesObject must be a mapping')
    // Helm reads values as YAML 1.1: "yes", "on", "no" must stay quoted to stay strings.
    valuesYaml = stringify(helm.valuesObject, { version: '1.1' })
  } else if (typeof helm.values === 'string' && helm.values.trim() !== '') {
    valuesYaml = helm.values
  } else if (helm.values !== undefined && typeof helm.values !== 'string') {
    throw invalid('helm.values must be a YAML string (use valuesObject for a mapping)')
  }
  const releaseName =
    typeof helm.releaseName === 'string' && helm.releaseName !== '' ? helm.releaseName : appName
  const namespace =
    typeof helm.namespace === 'string' && helm.namespace !== ''
      ? helm.namespace
      : destinationNamespace
  return {
    releaseName,
    namespace,
    valueFiles: [],
    includeCRDs: helm.skipCrds !== true,
    skipTests: helm.skipTests === true,
    kubeVersion: typeof helm.kubeVersion === 'string' ? helm.kubeVersion : undefined,
    apiVersions: stringList(helm.apiVersions, 'helm.apiVersions'),
    plainHttp: false,
    parameters,
    valuesYaml
  }
}

/**
 * A value file as Argo CD resolves it: `$ref/…` from the root of the `ref` source (which must be
 * this repository), an absolute path from the repository root, anything else relative to the
 * chart. Undefined when it is missing and ignoreMissingValueFiles is set.
 */
function resolveValueFile(
  file: string,
  chartDir: string | undefined,
  refs: Map<string, SourceSpec>,
  context: ApplicationContext,
  ignoreMissing: boolean
): string | undefined {
  let relative: string
  if (file.startsWith('$')) {
    const [refPart, ...rest] = file.split('/')
    const ref = (refPart as string).slice(1)
    const refSource = refs.get(ref)
    if (!refSource)
      throw invalid(`value file ${file} names $${ref}, which no source declares as ref`)
    if (!context.isThisRepository(refSource.repoURL ?? ''))
      throw new Problem(
        'skipped',
        `value file ${file}: source $${ref} (${refSource.repoURL}) is not this repository`
      )
    relative = rest.join('/')
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw unsupported(
      `value file ${file} is remote; hydrate reads value files from this repository only`
    )
  } else if (file.startsWith('/')) {
    relative = file
  } else {
    if (chartDir === undefined)
      throw unsupported(
        `value file ${file} lies inside a remote chart; use a $ref source of this repository`
      )
    relative = path.posix.join(chartDir || '.', file)
  }
  const resolved = repoPath(context.repoRoot, relative, `value file ${file}`)
  if (!fs.existsSync(path.join(context.repoRoot, resolved))) {
    if (ignoreMissing) return undefined
    throw invalid(`value file ${file} does not exist (${resolved})`)
  }
  return resolved
}

function valueFilesOf(
  helm: Record<string, unknown>,
  chartDir: string | undefined,
  refs: Map<string, SourceSpec>,
  vars: Map<string, string>,
  context: ApplicationContext
): string[] {
  const ignoreMissing = helm.ignoreMissingValueFiles === true
  return stringList(helm.valueFiles, 'helm.valueFiles').flatMap(file => {
    const resolved = resolveValueFile(
      envsubst(file, vars, 'helm.valueFiles'),
      chartDir,
      refs,
      context,
      ignoreMissing
    )
    return resolved === undefined ? [] : [resolved]
  })
}

function localChartHelm(
  source: SourceSpec,
  chartDir: string,
  refs: Map<string, SourceSpec>,
  appName: string,
  destinationNamespace: string | undefined,
  vars: Map<string, string>,
  context: ApplicationContext
): HelmOptions {
  const helm = source.helm ?? {}
  const options = helmCommon(helm, appName, destinationNamespace, vars)
  options.valueFiles = valueFilesOf(helm, chartDir, refs, vars, context)
  const rawFiles = helm.fileParameters ?? []
  if (!Array.isArray(rawFiles)) throw invalid('helm.fileParameters must be a list')
  options.fileParameters = rawFiles.map(p => {
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.path !== 'string')
      throw invalid('helm.fileParameters need a name and a path')
    const substituted = envsubst(p.path, vars, `helm.fileParameters ${p.name}`)
    const file = substituted.startsWith('/')
      ? substituted
      : path.posix.join(chartDir || '.', substituted)
    return { name: p.name, path: repoPath(context.repoRoot, file, `helm file parameter ${p.name}`) }
  })
  return options
}

function remoteChartHelm(
  source: SourceSpec,
  refs: Map<string, SourceSpec>,
  appName: string,
  destinationNamespace: string | undefined,
  vars: Map<string, string>,
  context: ApplicationContext
): HelmOptions {
  const chart = source.chart as string
  const version = source.targetRevision
  const repoURL = source.repoURL ?? ''
  if (!isExactVersion(version))
    throw unsupported(
      `remote chart ${chart} from ${repoURL} is not pinned (targetRevision ${JSON.stringify(version ?? '')}); pin an exact version`
    )
  const helm = source.helm ?? {}
  if (helm.fileParameters !== undefined)
    throw unsupported('helm.fileParameters with a remote chart are not supported')
  const options = helmCommon(helm, appName, destinationNamespace, vars)
  options.valueFiles = valueFilesOf(helm, undefined, refs, vars, context)
  if (/^https?:\/\//.test(repoURL)) return { ...options, repo: repoURL, chart, version }
  // Argo CD's OCI Helm repositories are written with or without oci://.
  const registry = repoURL.replace(/^oci:\/\//, '').replace(/\/+$/, '')
  return { ...options, chart: `oci://${registry}/${chart}`, version }
}

function kustomizeEdits(
  kustomize: Record<string, unknown> | undefined,
  sourceDir: string,
  vars: Map<string, string>,
  context: ApplicationContext
): KustomizeEdits | undefined {
  if (kustomize === undefined) return undefined
  checkKeys(kustomize, KUSTOMIZE_KEYS, 'kustomize')
  const text = (key: string) =>
    typeof kustomize[key] === 'string' && kustomize[key] !== ''
      ? (kustomize[key] as string)
      : undefined
  const rawReplicas = kustomize.replicas ?? []
  if (!Array.isArray(rawReplicas)) throw invalid('kustomize.replicas must be a list')
  const replicas = rawReplicas.map(r => {
    const count = isObject(r) ? Number(r.count) : NaN
    if (!isObject(r) || typeof r.name !== 'string' || !Number.isInteger(count))
      throw invalid('kustomize.replicas need a name and a whole count')
    return { name: r.name, count }
  })
  const patches = kustomize.patches ?? []
  if (!Array.isArray(patches)) throw invalid('kustomize.patches must be a list')
  for (const patch of patches)
    if (isObject(patch) && typeof patch.path === 'string')
      repoPath(
        context.repoRoot,
        path.posix.join(sourceDir || '.', patch.path),
        'kustomize patch path'
      )
  const components = stringList(kustomize.components, 'kustomize.components').filter(component => {
    const resolved = repoPath(
      context.repoRoot,
      path.posix.join(sourceDir || '.', component),
      `kustomize component ${component}`
    )
    if (fs.existsSync(path.join(context.repoRoot, resolved))) return true
    if (kustomize.ignoreMissingComponents === true) return false
    throw invalid(`kustomize component ${component} does not exist (${resolved})`)
  })
  const labels = stringMap(kustomize.commonLabels, 'kustomize.commonLabels')
  for (const key of Object.keys(labels))
    labels[key] = envsubst(labels[key] as string, vars, 'kustomize.commonLabels')
  // util/kustomize/kustomize.go: annotations are substituted only with commonAnnotationsEnvsubst.
  const annotations = stringMap(kustomize.commonAnnotations, 'kustomize.commonAnnotations')
  if (kustomize.commonAnnotationsEnvsubst === true)
    for (const key of Object.keys(annotations))
      annotations[key] = envsubst(annotations[key] as string, vars, 'kustomize.commonAnnotations')
  return {
    namePrefix: text('namePrefix'),
    nameSuffix: text('nameSuffix'),
    images: stringList(kustomize.images, 'kustomize.images').map(i =>
      envsubst(i, vars, 'kustomize.images')
    ),
    replicas,
    commonLabels: labels,
    forceCommonLabels: kustomize.forceCommonLabels === true,
    labelWithoutSelector: kustomize.labelWithoutSelector === true,
    labelIncludeTemplates: kustomize.labelIncludeTemplates === true,
    commonAnnotations: annotations,
    forceCommonAnnotations: kustomize.forceCommonAnnotations === true,
    namespace: text('namespace'),
    patches,
    components
  }
}

function directoryOptions(
  directory: Record<string, unknown> | undefined,
  sourceDir: string,
  repoRoot: string
): ArgoDirectoryOptions {
  checkKeys(directory, DIRECTORY_KEYS, 'directory')
  const jsonnet = directory?.jsonnet
  if (isObject(jsonnet) && Object.values(jsonnet).some(v => (Array.isArray(v) ? v.length > 0 : v)))
    throw unsupported('directory.jsonnet: hydrate does not evaluate jsonnet')
  const glob = (key: string) =>
    typeof directory?.[key] === 'string' && directory[key] !== ''
      ? (directory[key] as string)
      : undefined
  const options = {
    recurse: directory?.recurse === true,
    include: glob('include'),
    exclude: glob('exclude')
  }
  const jsonnetFile = argoDirectoryFiles(repoRoot, sourceDir, options).find(f =>
    f.endsWith('.jsonnet')
  )
  if (jsonnetFile)
    throw unsupported(`directory source reads ${jsonnetFile}: hydrate does not evaluate jsonnet`)
  return options
}
