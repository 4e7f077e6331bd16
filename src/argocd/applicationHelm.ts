import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'yaml'
import type { HelmOptions, HelmParameter } from '../config/types.js'
import { isExactVersion } from '../sources/remoteChart.js'
import {
  checkKeys,
  envsubst,
  invalid,
  Problem,
  repoPath,
  stringList,
  unsupported,
  type ApplicationContext,
  type SourceSpec
} from './applicationSource.js'
import { argoKubeVersion } from './kubeVersion.js'
import { isObject } from './manifests.js'

// An Application's helm source as repository.go's helmTemplate builds the `helm template` call.

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
    // repository.go:1292: the version as parseKubeVersion prints it.
    kubeVersion: argoKubeVersion(helm.kubeVersion, 'helm.kubeVersion'),
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

export function localChartHelm(
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

export function remoteChartHelm(
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
