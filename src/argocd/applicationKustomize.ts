import fs from 'node:fs'
import path from 'node:path'
import type { ArgoDirectoryOptions, KustomizeEdits } from '../config/types.js'
import { argoDirectoryFiles } from '../sources/directory.js'
import {
  checkKeys,
  envsubst,
  invalid,
  repoPath,
  stringList,
  stringMap,
  unsupported,
  type ApplicationContext
} from './applicationSource.js'
import { argoKubeVersion } from './kubeVersion.js'
import { isObject } from './manifests.js'

// An Application's kustomize options (the `kustomize edit` calls util/kustomize makes) and
// directory options (repository.go's directory walk).

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
  'version',
  // Reach `kustomize build` only as --helm-kube-version/--helm-api-versions, and only when
  // argocd-cm's kustomize.buildOptions hold --enable-helm (util/kustomize/kustomize.go:412),
  // which Application targets never do: checked, then without effect, as in Argo CD.
  'kubeVersion',
  'apiVersions'
])
const DIRECTORY_KEYS = new Set([
  'recurse',
  'include',
  'exclude',
  'jsonnet',
  'disableExtensionFilter'
])

export function kustomizeEdits(
  kustomize: Record<string, unknown> | undefined,
  sourceDir: string,
  vars: Map<string, string>,
  context: ApplicationContext
): KustomizeEdits | undefined {
  if (kustomize === undefined) return undefined
  checkKeys(kustomize, KUSTOMIZE_KEYS, 'kustomize')
  // repository.go:1775 parses the version before the build, helm enabled or not.
  argoKubeVersion(kustomize.kubeVersion, 'kustomize.kubeVersion')
  stringList(kustomize.apiVersions, 'kustomize.apiVersions')
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

export function directoryOptions(
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
    exclude: glob('exclude'),
    // repository.go:2151: with it, include/exclude are the only filters of the file names.
    ...(directory?.disableExtensionFilter === true ? { disableExtensionFilter: true } : {})
  }
  const jsonnetFile = argoDirectoryFiles(repoRoot, sourceDir, options).find(f =>
    f.endsWith('.jsonnet')
  )
  if (jsonnetFile)
    throw unsupported(`directory source reads ${jsonnetFile}: hydrate does not evaluate jsonnet`)
  return options
}
