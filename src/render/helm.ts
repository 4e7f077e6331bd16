import fs from 'node:fs'
import path from 'node:path'
import type { Target } from '../config/types.js'
import { fileDependencies, needsDependencyBuild } from '../sources/chart.js'
import { RenderError } from '../errors.js'
import { commandLine } from './shellQuote.js'
import { redactToolOutput, runRenderTool, toolWarnings } from './toolOutput.js'
import type { Tool } from './tools.js'
import type { RawRender, RenderContext } from './types.js'

/**
 * Copies the chart and its file:// dependencies into scratch space at the same relative
 * paths, so `helm dependency build` can write charts/ and Chart.lock there instead of
 * into the user's repository.
 */
function stageChart(target: Target, context: RenderContext, source: string): string {
  const stage = fs.mkdtempSync(path.join(context.tempDir, 'chart-'))
  for (const dir of [source, ...fileDependencies(context.repoRoot, source)]) {
    const from = path.join(context.repoRoot, dir)
    if (!fs.existsSync(from))
      throw new RenderError(target.name, `chart dependency directory ${dir} does not exist`)
    fs.cpSync(from, path.join(stage, dir), { recursive: true, dereference: false })
  }
  return stage
}

export async function renderHelm(
  target: Target,
  context: RenderContext,
  helm: Tool
): Promise<RawRender> {
  const options = target.helm
  if (!options) throw new RenderError(target.name, 'internal: helm target without helm options')
  const commands: string[] = []
  const warnings: string[] = []
  const run = async (args: string[], display: string[], cwd: string) => {
    commands.push(commandLine(['helm', ...display]))
    const result = await runRenderTool(
      target,
      context,
      { name: 'helm', path: helm.path },
      args,
      cwd
    )
    if (result.exitCode !== 0)
      throw new RenderError(
        target.name,
        `helm ${display.slice(0, 2).join(' ')} exited with code ${result.exitCode}`,
        // `dependency build` prints the cause (an unreachable repository) on stdout, and its
        // stderr only the consequence; template output never holds an error, and may hold Secrets.
        redactToolOutput(
          args[0] === 'dependency'
            ? `${result.stdout.trim()}\n${result.stderr}`.trim()
            : result.stderr,
          []
        )
      )
    warnings.push(...toolWarnings(result.stderr, context, []))
    return result
  }

  let chartArg: string
  let chartDisplay: string
  let cwd = context.repoRoot
  const remoteArgs: string[] = []
  if (target.source !== undefined) {
    chartDisplay = target.source || '.'
    chartArg = path.join(context.repoRoot, target.source)
    if (needsDependencyBuild(chartArg)) {
      const stage = stageChart(target, context, target.source)
      chartArg = path.join(stage, target.source)
      await run(['dependency', 'build', chartArg], ['dependency', 'build', chartDisplay], stage)
    }
  } else {
    chartArg = chartDisplay = options.chart as string
    if (options.repo) remoteArgs.push('--repo', options.repo)
    remoteArgs.push('--version', options.version as string)
    if (options.plainHttp) remoteArgs.push('--plain-http')
    cwd = context.tempDir
  }

  const releaseName = options.releaseName ?? defaultReleaseName(target)
  const flags: string[] = []
  const displayFlags: string[] = []
  const both = (...args: string[]) => {
    flags.push(...args)
    displayFlags.push(...args)
  }
  if (options.namespace) both('--namespace', options.namespace)
  for (const file of options.valueFiles) {
    flags.push('--values', path.join(context.repoRoot, file))
    displayFlags.push('--values', file)
  }
  // Inline values as --set-json, one per top-level key: exactly what a person would type.
  for (const [key, value] of Object.entries(options.values ?? {}))
    both('--set-json', `${key.replace(/([.,=\\])/g, '\\$1')}=${JSON.stringify(value)}`)
  if (options.includeCRDs) both('--include-crds')
  if (options.skipTests) both('--skip-tests')
  if (options.kubeVersion) both('--kube-version', options.kubeVersion)
  for (const apiVersion of options.apiVersions) both('--api-versions', apiVersion)

  const result = await run(
    ['template', releaseName, chartArg, ...remoteArgs, ...flags],
    ['template', releaseName, chartDisplay, ...remoteArgs, ...displayFlags],
    cwd
  )
  return {
    text: result.stdout,
    commands,
    tools: { helm: helm.version },
    warnings: [...new Set(warnings)]
  }
}

/** Default release name: the chart directory's (or remote chart's) name, the same in every env. */
export function defaultReleaseName(target: Target): string {
  const base =
    target.source !== undefined
      ? path.posix.basename(target.source || '.')
      : (target.helm?.chart?.split('/').pop() ?? target.name)
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 53) || 'release'
  )
}
