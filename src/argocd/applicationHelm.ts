import { stringify } from 'yaml'
import type { HelmOptions, HelmParameter } from '../config/types.js'
import { isExactVersion } from '../sources/remoteChart.js'
import {
  checkKeys,
  envsubst,
  invalid,
  stringList,
  unsupported,
  type ApplicationContext,
  type SourceSpec
} from './applicationSource.js'
import { argoKubeVersion } from './kubeVersion.js'
import { fileParametersOf, valueFilesOf, type RefSources } from './helmFiles.js'
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

export function localChartHelm(
  source: SourceSpec,
  chartDir: string,
  refs: RefSources,
  appName: string,
  destinationNamespace: string | undefined,
  vars: Map<string, string>,
  context: ApplicationContext
): HelmOptions {
  const helm = source.helm ?? {}
  const options = helmCommon(helm, appName, destinationNamespace, vars)
  const { files, lookups } = valueFilesOf(helm, chartDir, refs, vars, context)
  options.valueFiles = files
  if (lookups) options.valueFileLookups = lookups
  options.fileParameters = fileParametersOf(helm, chartDir, refs, vars, context)
  return options
}

export function remoteChartHelm(
  source: SourceSpec,
  refs: RefSources,
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
  const options = helmCommon(helm, appName, destinationNamespace, vars)
  const { files, lookups } = valueFilesOf(helm, undefined, refs, vars, context)
  options.valueFiles = files
  if (lookups) options.valueFileLookups = lookups
  // Only `$ref/…` paths: the others lie inside the chart, which hydrate does not unpack here.
  const fileParameters = fileParametersOf(helm, undefined, refs, vars, context)
  if (fileParameters.length > 0) options.fileParameters = fileParameters
  if (/^https?:\/\//.test(repoURL)) return { ...options, repo: repoURL, chart, version }
  // Argo CD's OCI Helm repositories are written with or without oci://.
  const registry = repoURL.replace(/^oci:\/\//, '').replace(/\/+$/, '')
  return { ...options, chart: `oci://${registry}/${chart}`, version }
}
