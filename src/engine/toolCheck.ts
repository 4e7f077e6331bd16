import { getErrorMessage } from '../errors.js'
import { findHelm, findKustomize, type KustomizeTool, type Tool } from '../render/tools.js'

/** One tool as a render here would run it, or why it would not. */
export interface ToolCheck {
  name: 'helm' | 'kustomize'
  tool?: Tool | KustomizeTool
  /** Where it was found: the variable that named it, or PATH. */
  source?: string
  problems: string[]
}

const major = (version: string) => Number(/^(\d+)\./.exec(version)?.[1] ?? NaN)
const minor = (version: string) => Number(/^\d+\.(\d+)\./.exec(version)?.[1] ?? NaN)

function sourceOf(variables: readonly string[], env: NodeJS.ProcessEnv): string {
  return variables.find(v => env[v] !== undefined && env[v] !== '') ?? 'PATH'
}

/** helm and kustomize as a render would find them, and what is wrong with them (`version` only). */
export async function inspectTools(env: NodeJS.ProcessEnv): Promise<ToolCheck[]> {
  const helm: ToolCheck = { name: 'helm', problems: [] }
  const kustomize: ToolCheck = { name: 'kustomize', problems: [] }
  try {
    helm.tool = await findHelm(env)
    helm.source = sourceOf(['HELM_BIN'], env)
    if (![3, 4].includes(major(helm.tool.version)))
      helm.problems.push(`helm ${helm.tool.version} is not helm 3 or 4`)
  } catch (error) {
    helm.problems.push(getErrorMessage(error))
  }
  try {
    const tool = await findKustomize(env)
    kustomize.tool = tool
    kustomize.source = sourceOf(['KUSTOMIZE_BIN', 'KUBECTL_BIN'], env)
    const version = tool.version
    if (Number.isNaN(major(version)))
      kustomize.problems.push(`${tool.path} reports no kustomize version`)
    else if (major(version) < 5 || (major(version) === 5 && minor(version) < 8)) {
      if (helm.tool && major(helm.tool.version) === 4)
        kustomize.problems.push(
          `kustomize ${version} cannot drive helm 4 for helmCharts (enableHelm): use kustomize 5.8 or later (kubectl 1.36), or helm 3 through HELM_BIN`
        )
    }
  } catch (error) {
    kustomize.problems.push(getErrorMessage(error))
  }
  return [helm, kustomize]
}
