import fs from 'node:fs'
import path from 'node:path'
import type { Target } from '../config/types.js'
import {
  fileDependencies,
  needsDependencyBuild,
  readDependencies,
  vendoredChartNames
} from '../sources/chart.js'
import {
  dependencyChart,
  isExactVersion,
  lockedVersions,
  lockKey,
  remoteChartName,
  type RemoteChart
} from '../sources/remoteChart.js'
import { getErrorMessage, RenderError } from '../errors.js'
import { runProcess } from '../process/run.js'
import { ChartDownloadError, type PinnedChart } from './chartCache.js'
import { copyWithoutGit, gitEntriesBelow } from './gitFreeCopy.js'
import { checkDependencyRepositories, checkFetch } from './remoteFetches.js'
import { commandLine, shellQuote } from './shellQuote.js'
import { redactToolOutput, runRenderTool, toolErrorOutput, toolWarnings } from './toolOutput.js'
import type { Tool } from './tools.js'
import type { RawRender, RenderContext } from './types.js'

/**
 * Copies the chart and its file:// dependencies into scratch space at the same relative
 * paths, without any `.git` (helm would load it into `.Files`), so `helm dependency build`
 * can write charts/ and Chart.lock there instead of into the user's repository.
 */
function stageChart(target: Target, context: RenderContext, chartDirs: readonly string[]): string {
  const stage = fs.mkdtempSync(path.join(context.tempDir, 'chart-'))
  for (const dir of chartDirs) {
    const from = path.join(context.repoRoot, dir)
    if (!fs.existsSync(from))
      throw new RenderError(target.name, `chart dependency directory ${dir} does not exist`)
    copyWithoutGit(from, path.join(stage, dir))
  }
  return stage
}

/** `helm pull` of one chart into `into`; failures name the chart (the pull may be shared). */
async function pullChart(
  context: RenderContext,
  helm: Tool,
  chart: RemoteChart,
  plainHttp: boolean,
  into: string
): Promise<void> {
  checkFetch(context, 'chart repository', chart.repo ?? chart.chart)
  const args = [
    'pull',
    chart.chart,
    ...(chart.repo !== undefined ? ['--repo', chart.repo] : []),
    ...(chart.version !== undefined ? ['--version', chart.version] : []),
    ...(plainHttp ? ['--plain-http'] : []),
    '--destination',
    into
  ]
  const result = await runProcess(helm.path, args, {
    cwd: into,
    env: context.env,
    extraEnv: context.extraEnv,
    timeoutMs: context.timeoutMs
  }).catch((error: unknown) => {
    throw new ChartDownloadError(`helm pull failed: ${getErrorMessage(error)}`)
  })
  if (result.exitCode !== 0)
    throw new ChartDownloadError(
      `helm pull ${remoteChartName(chart)} ${chart.version ?? ''} exited with code ${result.exitCode}`,
      redactToolOutput(result.stderr, [])
    )
}

/**
 * A remote chart's archive: a pinned one from the cache (fetched once, docs/adr/0013), any
 * other pulled for this render alone. Rendering a local archive also keeps helm's pull
 * messages (helm 4 prints `Pulled:` on stdout) out of the manifests.
 */
async function remoteChartArchive(
  target: Target,
  context: RenderContext,
  helm: Tool,
  chart: RemoteChart,
  plainHttp: boolean
): Promise<string> {
  try {
    const version = chart.version
    if (isExactVersion(version)) {
      const cached = await context.chartCache.fetch({ ...chart, version }, into =>
        pullChart(context, helm, chart, plainHttp, into)
      )
      return cached.archive
    }
    const into = fs.mkdtempSync(path.join(context.tempDir, 'pull-'))
    await pullChart(context, helm, chart, plainHttp, into)
    const [archive] = fs.readdirSync(into).filter(name => name.endsWith('.tgz'))
    if (archive === undefined)
      throw new ChartDownloadError(`helm pull ${chart.chart} left no chart archive`)
    return path.join(into, archive)
  } catch (error) {
    if (error instanceof ChartDownloadError)
      throw new RenderError(target.name, error.message, error.detail)
    throw new RenderError(target.name, getErrorMessage(error))
  }
}

/**
 * Puts the chart archives `helm dependency build` would download into the staged chart's
 * charts/, from the cache. Only when every missing dependency is a remote chart pinned in
 * Chart.yaml (and in Chart.lock, when there is one: helm checks the two agree); otherwise
 * false, and helm builds the dependencies itself.
 */
async function vendorPinnedDependencies(
  target: Target,
  context: RenderContext,
  helm: Tool,
  chartDir: string
): Promise<boolean> {
  const vendored = vendoredChartNames(chartDir)
  const locked = lockedVersions(chartDir)
  const hasLock = fs.existsSync(path.join(chartDir, 'Chart.lock'))
  const charts: PinnedChart[] = []
  for (const dependency of readDependencies(chartDir)) {
    if (vendored.has(dependency.name)) continue
    const chart = dependencyChart(dependency)
    if (chart === undefined || !isExactVersion(chart.version)) return false
    if (hasLock && locked.get(lockKey(dependency.name, dependency.repository)) !== chart.version)
      return false
    charts.push({ ...chart, version: chart.version })
  }
  if (charts.length === 0) return false
  fs.mkdirSync(path.join(chartDir, 'charts'), { recursive: true })
  for (const chart of charts) {
    const archive = await remoteChartArchive(target, context, helm, chart, false)
    const name = `${remoteChartName(chart)}-${chart.version}.tgz`
    fs.copyFileSync(archive, path.join(chartDir, 'charts', name))
  }
  return true
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
  const run = async (args: string[], display: string[], cwd: string, stdinText?: string) => {
    // Inline values reach helm as a file; the recorded command pipes them in.
    commands.push(
      (stdinText !== undefined ? `printf '%s' ${shellQuote(stdinText)} | ` : '') +
        commandLine(['helm', ...display])
    )
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
        toolErrorOutput(
          args[0] === 'dependency'
            ? `${result.stdout.trim()}\n${result.stderr}`.trim()
            : result.stderr,
          context,
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
    const chartDirs = [target.source, ...fileDependencies(context.repoRoot, target.source)]
    const build = needsDependencyBuild(chartArg)
    // A chart at the repository's root, or one holding a submodule or nested repository.
    const holdsGit = gitEntriesBelow(chartDirs.map(d => path.join(context.repoRoot, d))).length > 0
    const stage = build || holdsGit ? stageChart(target, context, chartDirs) : undefined
    if (stage !== undefined) chartArg = path.join(stage, target.source)
    if (build && stage !== undefined) {
      const buildArgs = ['dependency', 'build', chartDisplay]
      // The same charts/ that `dependency build` would download, so it stays the command shown.
      if (await vendorPinnedDependencies(target, context, helm, chartArg))
        commands.push(commandLine(['helm', ...buildArgs]))
      else {
        // helm fetches what the chart names: only from where the base allows.
        checkDependencyRepositories(target, context, stage, chartDirs)
        await run(['dependency', 'build', chartArg], buildArgs, stage)
      }
    }
  } else {
    chartArg = chartDisplay = options.chart as string
    if (options.repo) remoteArgs.push('--repo', options.repo)
    remoteArgs.push('--version', options.version as string)
    if (options.plainHttp) remoteArgs.push('--plain-http')
    cwd = context.tempDir
  }
  // A remote chart renders from its pulled (pinned: cached) archive; the command shown is
  // what a person would type, the same either way.
  if (target.source === undefined)
    chartArg = await remoteChartArchive(
      target,
      context,
      helm,
      { repo: options.repo, chart: chartArg, version: options.version },
      options.plainHttp
    )

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
  // Argo CD's helm.values/valuesObject: a values file after the value files, as its repo-server does.
  if (options.valuesYaml !== undefined) {
    const file = path.join(fs.mkdtempSync(path.join(context.tempDir, 'values-')), 'values.yaml')
    fs.writeFileSync(file, options.valuesYaml)
    flags.push('--values', file)
    displayFlags.push('--values', '/dev/stdin')
  }
  for (const [flag, list] of [
    ['--set', (options.parameters ?? []).filter(p => !p.forceString)],
    ['--set-string', (options.parameters ?? []).filter(p => p.forceString)]
  ] as const)
    for (const [name, value] of lastByName(list.map(p => [p.name, p.value])))
      both(flag, `${name}=${escapeSetValue(value)}`)
  for (const [name, file] of lastByName(
    (options.fileParameters ?? []).map(p => [p.name, p.path])
  )) {
    flags.push('--set-file', `${name}=${escapeSetValue(path.join(context.repoRoot, file))}`)
    displayFlags.push('--set-file', `${name}=${escapeSetValue(file)}`)
  }
  if (options.includeCRDs) both('--include-crds')
  if (options.skipTests) both('--skip-tests')
  if (options.kubeVersion) both('--kube-version', options.kubeVersion)
  for (const apiVersion of options.apiVersions) both('--api-versions', apiVersion)

  const result = await run(
    ['template', releaseName, chartArg, ...flags],
    ['template', releaseName, chartDisplay, ...remoteArgs, ...displayFlags],
    cwd,
    options.valuesYaml
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

/** Argo CD keeps parameters in a map: one per name, the last one written; sorted for determinism. */
function lastByName(pairs: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return [...new Map(pairs.map(([k, v]) => [k, v] as [string, string]))].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  )
}

/**
 * Argo CD's cleanSetParameters: commas not already escaped are escaped (helm would split the
 * value there), except in a `{a,b}` list, which helm reads as a list.
 */
export function escapeSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value
  return value.replace(/(?<!\\),/g, '\\,')
}
