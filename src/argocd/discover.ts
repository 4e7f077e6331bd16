import type {
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
  const context: ApplicationContext = {
    repoRoot,
    defaults,
    isThisRepository: url => url !== '' && repoURLs.includes(normalizeRepoURL(url))
  }
  const targets: Target[] = []
  const findings: ArgoFinding[] = [...manifests.findings]
  const applications = new Map<string, KnownApplication>()
  const remember = (app: Record<string, unknown>, where: ApplicationOrigin) => {
    const name = applicationName(app)
    if (name && !applications.has(name))
      applications.set(name, { object: app, where, chain: [name] })
  }
  for (const manifest of manifests.manifests) {
    const subject = `${manifest.kind} ${manifest.name || '(unnamed)'}`
    if (manifest.kind === 'Application') {
      const where = {
        location: manifest.location,
        origin: subject,
        definedBy: [manifest.location.file]
      }
      remember(manifest.object, where)
      const { target, finding } = applicationTarget(manifest.object, where, context)
      if (target) targets.push(target)
      if (finding) findings.push(finding)
      continue
    }
    try {
      const limit = settings.applicationLimit ?? DEFAULT_APPLICATION_LIMIT
      for (const generated of applicationSetApplications(manifest, context, limit)) {
        remember(generated.app, generated.where)
        const { target, finding } = applicationTarget(generated.app, generated.where, context)
        if (target) targets.push(target)
        if (finding) findings.push(finding)
      }
    } catch (error) {
      if (error instanceof ExpansionLimitError) throw error
      findings.push({
        location: manifest.location,
        subject,
        kind: error instanceof UnsupportedGenerator ? 'unsupported' : 'invalid',
        message: getErrorMessage(error)
      })
    }
  }
  return { targets, report: { settings, repoURLs, findings }, context, applications }
}

/** The Applications an ApplicationSet generates, each with where it came from. */
export function applicationSetApplications(
  manifest: Pick<ArgoManifest, 'name' | 'object' | 'location' | 'locate'>,
  context: ApplicationContext,
  limit = DEFAULT_APPLICATION_LIMIT
) {
  const spec = isObject(manifest.object.spec) ? manifest.object.spec : {}
  if (spec.templatePatch !== undefined)
    throw new UnsupportedGenerator('templatePatch is not supported')
  if (!isObject(spec.template)) throw new UnsupportedGenerator('spec.template is missing')
  const goTemplate = spec.goTemplate === true
  const generators = Array.isArray(spec.generators) ? spec.generators : []
  if (generators.length === 0) throw new UnsupportedGenerator('spec.generators is empty')
  const generatorContext = {
    repoRoot: context.repoRoot,
    goTemplate,
    isThisRepository: context.isThisRepository
  }
  checkExpansion(generators, generatorContext, limit, `ApplicationSet ${manifest.name}`, index =>
    manifest.locate(['spec', 'generators', index])
  )
  const apps: Array<{ app: Record<string, unknown>; where: ApplicationOrigin }> = []
  generators.forEach((generator, index) => {
    const params = generatorParams(generator, generatorContext)
    const location = manifest.locate(['spec', 'generators', index])
    for (const set of params) {
      const app = renderTemplate(spec.template, set, goTemplate) as Record<string, unknown>
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
