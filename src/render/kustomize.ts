import path from 'node:path'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { stageEditedKustomization } from './scratchKustomization.js'
import { commandLine } from './shellQuote.js'
import type { TargetDependencies } from '../targets/dependencies.js'
import {
  toolErrorOutput,
  runRenderTool,
  secretGeneratorValues,
  toolWarnings
} from './toolOutput.js'
import type { KustomizeTool, Tool } from './tools.js'
import type { RawRender, RenderContext } from './types.js'

/**
 * `kustomize build` / `kubectl kustomize` of `dir` (default: the target's source; a plain
 * directory target builds its kustomization subdirectories). Exec and alpha plugins are
 * never enabled.
 */
export async function renderKustomize(
  target: Target,
  context: RenderContext,
  deps: TargetDependencies,
  kustomize: KustomizeTool,
  helm: Tool | undefined,
  dir = target.source ?? ''
): Promise<RawRender> {
  const base = kustomize.kind === 'kustomize' ? ['build'] : ['kustomize']
  const flags: string[] = []
  if (target.kustomize?.enableHelm) flags.push('--enable-helm')
  if (target.kustomize?.loadRestrictor === 'none')
    flags.push('--load-restrictor', 'LoadRestrictionsNone')
  const helmFlags = target.kustomize?.enableHelm && helm ? ['--helm-command', helm.path] : []
  // Argo CD's kustomize options: built from an edited scratch copy (never the repository).
  const edits = target.kustomize?.edits
  const staged =
    edits && dir === (target.source ?? '')
      ? stageEditedKustomization(target, context, dir, edits)
      : undefined
  const args = [
    ...base,
    staged?.buildDir ?? path.join(context.repoRoot, dir),
    ...flags,
    ...helmFlags
  ]
  const display = [kustomize.kind, ...base, dir || '.', ...flags]
  const secrets = () => secretGeneratorValues(context.repoRoot, deps, context.kustomizations)
  const result = await runRenderTool(
    target,
    context,
    { name: kustomize.kind, path: kustomize.path },
    args,
    context.repoRoot
  )
  if (result.exitCode !== 0) {
    const mismatch = helm && helmVersionMismatch(kustomize, helm, result.stderr)
    if (mismatch) throw new RenderError(target.name, mismatch)
    throw new RenderError(
      target.name,
      `${display.slice(0, 2).join(' ')} ${dir} exited with code ${result.exitCode}`,
      toolErrorOutput(result.stderr, context, secrets())
    )
  }
  const tools: Record<string, string> = { kustomize: kustomize.version }
  const commands = [...(staged?.commands ?? []), commandLine(display)]
  if (helm && target.kustomize?.enableHelm) {
    tools.helm = helm.version
    // The branch README's commands must work for whoever reproduces them with helm 4.
    commands.unshift(HELM4_NOTE)
  }
  const warnings = result.stderr.trim() ? toolWarnings(result.stderr, context, secrets()) : []
  return { text: result.stdout, commands, tools, warnings }
}

const HELM4_NOTE =
  '# helmCharts with helm 4 need kustomize >= 5.8 (kubectl >= 1.36); with an older one add --helm-command <helm 3>'

/**
 * Kustomize before 5.8 asks helm for `helm version -c`, a flag helm 4 removed, so every
 * helmCharts build fails with a message that names neither tool's version.
 */
function helmVersionMismatch(
  kustomize: KustomizeTool,
  helm: Tool,
  stderr: string
): string | undefined {
  if (!/unknown shorthand flag: 'c' in -c/.test(stderr) || !/version -c/.test(stderr))
    return undefined
  return (
    `kustomize ${kustomize.version} cannot run helm ${helm.version} for helmCharts: ` +
    'use kustomize >= 5.8 (kubectl >= 1.36), or set HELM_BIN to a helm 3 binary'
  )
}
