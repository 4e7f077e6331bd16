import type {
  ArgoConsidered,
  ArgoDiscoveryReport,
  ArgoDiscoverySettings,
  ArgoFinding,
  Defaults,
  Target
} from '../config/types.js'
import { getErrorMessage } from '../errors.js'
import {
  applicationName,
  applicationTarget,
  type ApplicationContext,
  type ApplicationOrigin,
  type KnownApplication
} from './application.js'
import { generatorParams, renderTemplate, UnsupportedGenerator } from './applicationSet.js'
import { goTemplateMissingKey } from './goTemplate.js'
import { withApplicationSetBudget } from '../gotemplate/index.js'
import { applyTemplatePatch } from './templatePatch.js'
import { knownClusters } from './clusters.js'
import { skipDuplicateNames, type DiscoveredApplication } from './duplicates.js'
import { kustomizePatchFiles } from './patchFiles.js'
import { DEFAULT_APPLICATION_LIMIT } from '../config/limits.js'
import { checkExpansion, ExpansionLimitError } from './expansionLimit.js'
import { isObject, readArgoManifests, type ArgoManifest } from './manifests.js'
import { gitRemoteURLs, normalizeRepoURL } from './repoUrl.js'

/** Targets from the Argo CD Applications and ApplicationSets of the repository. */
export function discoverArgoTargets(
  repoRoot: string,
  settings: ArgoDiscoverySettings,
  defaults: Defaults,
  manifests = readArgoManifests(repoRoot, settings.paths)
): {
  targets: Target[]
  report: ArgoDiscoveryReport
  context: ApplicationContext
  /** Every Application read (from files, or generated), by name: app-of-apps checks against them. */
  applications: Map<string, KnownApplication>
} {
  const repoURLs = [
    ...new Set([...gitRemoteURLs(repoRoot), ...settings.repoURLs].map(normalizeRepoURL))
  ].sort()
  const known = knownClusters(manifests.clusterSecrets, settings.clusters ?? [])
  const context: ApplicationContext = {
    repoRoot,
    defaults,
    isThisRepository: url => url !== '' && repoURLs.includes(normalizeRepoURL(url)),
    clusters: known.clusters
  }
  const findings: ArgoFinding[] = [...manifests.findings, ...known.findings]
  const considered: ArgoConsidered[] = []
  const found: DiscoveredApplication[] = []
  const applications = new Map<string, KnownApplication>()
  const consider = (
    entry: ArgoConsidered,
    app: Record<string, unknown>,
    where: ApplicationOrigin
  ) => {
    const name = applicationName(app)
    if (name && !applications.has(name))
      applications.set(name, { object: app, where, chain: [name] })
    const { target, finding } = applicationTarget(app, where, context)
    if (target) {
      entry.targets.push(target.name)
      found.push({ target, object: app, considered: entry })
    }
    if (finding) {
      findings.push(finding)
      entry.findings.push(finding)
    }
  }
  const patchFiles = kustomizePatchFiles(
    repoRoot,
    manifests.manifests.map(m => m.location.file)
  )
  for (const manifest of manifests.manifests) {
    const subject = `${manifest.kind} ${manifest.name || '(unnamed)'}`
    const entry: ArgoConsidered = {
      location: manifest.location,
      subject,
      targets: [],
      findings: []
    }
    considered.push(entry)
    const note = (finding: ArgoFinding) => {
      findings.push(finding)
      entry.findings.push(finding)
    }
    const patchOf = patchFiles.get(manifest.location.file)
    if (patchOf) {
      note({
        location: manifest.location,
        subject,
        kind: 'skipped',
        message: `a patch that ${patchOf} applies, not an Application of its own; it renders as part of what that kustomization builds`
      })
      continue
    }
    if (manifest.kind === 'Application') {
      consider(entry, manifest.object, {
        location: manifest.location,
        origin: subject,
        definedBy: [manifest.location.file]
      })
      continue
    }
    try {
      const limit = settings.applicationLimit ?? DEFAULT_APPLICATION_LIMIT
      const generated = applicationSetApplications(manifest, context, limit)
      for (const { app, where } of generated) consider(entry, app, where)
      if (generated.length === 0)
        note({
          location: manifest.location,
          subject,
          kind: 'skipped',
          message: 'its generators give no parameter sets, so it generates no Application'
        })
    } catch (error) {
      if (error instanceof ExpansionLimitError) throw error
      note({
        location: manifest.location,
        subject,
        kind: error instanceof UnsupportedGenerator ? 'unsupported' : 'invalid',
        message: getErrorMessage(error)
      })
    }
  }
  const { kept, findings: duplicates } = skipDuplicateNames(found)
  findings.push(...duplicates)
  return {
    targets: kept.map(app => app.target),
    report: { settings, repoURLs, findings, considered, clusters: known.clusters },
    context,
    applications
  }
}

/** The Applications an ApplicationSet generates, each with where it came from. */
export function applicationSetApplications(
  manifest: Pick<ArgoManifest, 'name' | 'object' | 'location' | 'locate'>,
  context: ApplicationContext,
  limit = DEFAULT_APPLICATION_LIMIT
) {
  const spec = isObject(manifest.object.spec) ? manifest.object.spec : {}
  if (!isObject(spec.template)) throw new UnsupportedGenerator('spec.template is missing')
  const goTemplate = spec.goTemplate === true
  const missingKey = goTemplate ? goTemplateMissingKey(spec.goTemplateOptions) : 'default'
  const generators = Array.isArray(spec.generators) ? spec.generators : []
  if (generators.length === 0) throw new UnsupportedGenerator('spec.generators is empty')
  const generatorContext = {
    repoRoot: context.repoRoot,
    goTemplate,
    isThisRepository: context.isThisRepository,
    clusters: context.clusters
  }
  const apps: Array<{ app: Record<string, unknown>; where: ApplicationOrigin }> = []
  // All the ApplicationSet's strings and parameter sets draw on one work budget.
  withApplicationSetBudget(() => {
    checkExpansion(generators, generatorContext, limit, `ApplicationSet ${manifest.name}`, index =>
      manifest.locate(['spec', 'generators', index])
    )
    generators.forEach((generator, index) => {
      const params = generatorParams(generator, generatorContext)
      const location = manifest.locate(['spec', 'generators', index])
      for (const set of params) {
        const rendered = renderTemplate(spec.template, set, goTemplate, missingKey) as Record<
          string,
          unknown
        >
        const app =
          spec.templatePatch === undefined
            ? rendered
            : applyTemplatePatch(rendered, spec.templatePatch, set, goTemplate, missingKey)
        apps.push({
          app,
          where: {
            location,
            origin: `ApplicationSet ${manifest.name} (${describeParams(set)})`,
            definedBy: [manifest.location.file, ...generatorFiles(set)]
          }
        })
      }
    })
  })
  return apps
}

/** A short reminder of the parameter set: its path, else its first few values. */
function describeParams(params: Record<string, unknown>): string {
  const pathParam = params.path
  if (typeof pathParam === 'string') return pathParam
  if (isObject(pathParam) && typeof pathParam.path === 'string') return pathParam.path
  return Object.entries(params)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .slice(0, 3)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
}

/** The git files generator's file behind a parameter set, if any (its `path` + `path.filename`). */
function generatorFiles(params: Record<string, unknown>): string[] {
  const nested = isObject(params.path) ? params.path : undefined
  const dir = nested ? nested.path : params.path
  const filename = nested ? nested.filename : params['path.filename']
  if (typeof dir !== 'string' || typeof filename !== 'string') return []
  return [dir === '.' ? filename : `${dir}/${filename}`]
}
