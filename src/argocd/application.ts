import fs from 'node:fs'
import path from 'node:path'
import { fillTemplate } from '../config/discover.js'
import { checkOutputPath, normalizeOutputPath } from '../config/paths.js'
import type { ArgoFinding, SourceType, Target } from '../config/types.js'
import { detectSourceType, findKustomization } from '../sources/kind.js'
import { localChartHelm, remoteChartHelm } from './applicationHelm.js'
import { directoryOptions, kustomizeEdits } from './applicationKustomize.js'
import {
  invalid,
  Problem,
  repoPath,
  sourceOf,
  unsupported,
  type ApplicationContext,
  type ApplicationOrigin,
  type SourceSpec
} from './applicationSource.js'
import { environmentOf, NoEnvironment } from './environment.js'
import { isObject } from './manifests.js'
import { mergeSourceOverrides, SourceOverrideError } from './sourceOverrides.js'
import { isDnsSubdomainName } from '../manifests/names.js'
import { branchNameProblem, nameProblem } from '../config/validate.js'

// One Application → one target, with Argo CD's semantics field by field (docs/argocd.md "Using your
// Argo CD Applications"). What cannot be rendered as Argo CD would is a finding, never a guess.
export {
  applicationName,
  type ApplicationContext,
  type ApplicationOrigin,
  type KnownApplication
} from './applicationSource.js'

// One Application → one target, with Argo CD's semantics field by field (docs/argocd-semantics.md,
// README "Using your Argo CD Applications"). What cannot be rendered as Argo CD would is a
// finding, never a guess. The tools' options: applicationHelm.ts, applicationKustomize.ts.

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
    // The API server refuses such a name, so Argo CD never has this Application.
    if (!isDnsSubdomainName(name))
      throw invalid(
        `metadata.name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} is not a valid Kubernetes name (lower-case letters, digits, "-" and ".", at most 253 characters); Argo CD cannot create it`
      )
    return { target: mapApplication(name, metadata, app, where, context) }
  } catch (error) {
    if (!(error instanceof Problem)) throw error
    return {
      finding: { location: where.location, subject, kind: error.kind, message: error.message }
    }
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
  // Multi-source Applications only: a single source has no `$ref` to name (RefSources).
  let refs: Map<string, SourceSpec> | undefined
  let hydrator: { branch: string; path: string; promotionBranch?: string } | undefined
  if (spec.sourceHydrator !== undefined) {
    const sh = spec.sourceHydrator
    if (!isObject(sh)) throw invalid('spec.sourceHydrator must be a mapping')
    source = sourceOf(sh.drySource, 'spec.sourceHydrator.drySource')
    const sync = isObject(sh.syncSource) ? sh.syncSource : {}
    // Argo CD 3.5 can hydrate into another repository; hydrate writes this one's branches.
    if (
      typeof sync.repoURL === 'string' &&
      sync.repoURL !== '' &&
      !context.isThisRepository(sync.repoURL)
    )
      throw unsupported(
        `spec.sourceHydrator.syncSource.repoURL ${sync.repoURL} is another repository; hydrate writes the branches of this one only`
      )
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
    refs = new Map(sources.filter(s => !!s.ref).map(s => [s.ref as string, s]))
    // util/argo/argo.go:602: each source needs a repoURL and a path, a chart or a ref.
    sources.forEach((s, i) => {
      if (!s.repoURL || (!s.path && !s.chart && !s.ref))
        throw invalid(`spec.sources[${i}] needs a repoURL and either a path, a chart or a ref`)
    })
    const rendering = sources.filter(s => !isRefOnly(s))
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
  // One Application's odd destination fails that Application, as in Argo CD, not the run.
  const envProblem = nameProblem(env) ?? nameProblem(name)
  if (envProblem) throw invalid(`environment ${JSON.stringify(env)} ${envProblem}`)
  const branchProblem = branchNameProblem(branch)
  if (branchProblem)
    throw invalid(
      `environment ${JSON.stringify(env)} gives branch ${JSON.stringify(branch)}: ${branchProblem}`
    )
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

/**
 * A source that only provides files to `$ref/…` paths: repository.go:663 skips it ("ref only
 * source") when its path is empty, it names no chart and is not an OCI artifact.
 */
function isRefOnly(source: SourceSpec): boolean {
  return (
    !!source.ref && !source.path && !source.chart && !(source.repoURL ?? '').startsWith('oci://')
  )
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
