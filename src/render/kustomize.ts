import path from 'node:path'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { commandLine } from './shellQuote.js'
import type { TargetDependencies } from '../targets/dependencies.js'
import {
  redactToolOutput,
  runRenderTool,
  secretGeneratorValues,
  toolWarnings
} from './toolOutput.js'
import type { KustomizeTool, Tool } from './tools.js'
import type { RawRender, RenderContext } from './types.js'

/** `kustomize build` / `kubectl kustomize`. Exec and alpha plugins are never enabled. */
export async function renderKustomize(
  target: Target,
  context: RenderContext,
  deps: TargetDependencies,
  kustomize: KustomizeTool,
  helm: Tool | undefined
): Promise<RawRender> {
  const dir = target.source ?? ''
  const base = kustomize.kind === 'kustomize' ? ['build'] : ['kustomize']
  const flags: string[] = []
  if (target.kustomize?.enableHelm) flags.push('--enable-helm')
  if (target.kustomize?.loadRestrictor === 'none')
    flags.push('--load-restrictor', 'LoadRestrictionsNone')
  const helmFlags = target.kustomize?.enableHelm && helm ? ['--helm-command', helm.path] : []
  const args = [...base, path.join(context.repoRoot, dir), ...flags, ...helmFlags]
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
    throw new RenderError(
      target.name,
      `${display.slice(0, 2).join(' ')} ${dir} exited with code ${result.exitCode}`,
      redactToolOutput(result.stderr, secrets())
    )
  }
  const tools: Record<string, string> = { kustomize: kustomize.version }
  if (helm && target.kustomize?.enableHelm) tools.helm = helm.version
  const warnings = result.stderr.trim() ? toolWarnings(result.stderr, context, secrets()) : []
  return { text: result.stdout, commands: [commandLine(display)], tools, warnings }
}
