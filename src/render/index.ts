import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Target } from '../config/types.js'
import { getErrorMessage, HydrateError, RenderError } from '../errors.js'
import type { Logger } from '../logger.js'
import { parseManifests, type ManifestProblem } from '../manifests/parse.js'
import type { Resource } from '../manifests/resource.js'
import type { TargetDependencies } from '../targets/dependencies.js'
import { targetDependencies } from '../targets/dependencyIndex.js'
import { ChartCache, chartCacheDir } from './chartCache.js'
import { renderArgoDirectory, renderDirectory } from './directory.js'
import { renderHelm } from './helm.js'
import { InputGuard } from './inputGuard.js'
import { renderKustomize } from './kustomize.js'
import { withFluxSubstitution } from './fluxSubstitution.js'
import { mapWithConcurrency } from '../process/pool.js'
import { Toolbox } from './tools.js'
import { RemoteAllowList } from '../security/remoteAllow.js'
import type { RawRender, RenderContext } from './types.js'

export interface RenderedTarget {
  target: Target
  resources: Resource[]
  /** Documents left out of `resources` (not objects, duplicates): policy findings. */
  problems: ManifestProblem[]
  commands: string[]
  tools: Record<string, string>
  /** What the tools printed while succeeding (RawRender.warnings); none when not rendered. */
  warnings: string[]
  durationMs: number
  /** Incremental hydration: not rendered; these files (relative to the path) stay as they are. */
  reused?: Map<string, { mode: string; id: string }>
}

export interface RenderOptions {
  repoRoot: string
  logger: Logger
  /** Parallel render processes; default: number of CPUs. */
  concurrency?: number
  /** Per process; default 5 minutes. */
  timeoutMs?: number
  toolbox?: Toolbox
  env?: NodeJS.ProcessEnv
  /** Shared by the renders of one run (both sides of a diff); default: from `env`. */
  chartCache?: ChartCache
  /** Where charts may be fetched from (`remote.allow`; in a PR's diff, the base's); default: nowhere. */
  remoteAllow?: readonly string[]
}

export interface RenderFailure {
  target: Target
  error: HydrateError
}

export interface RenderOutcome {
  rendered: RenderedTarget[]
  /** One per failed target; the others still rendered. */
  failures: RenderFailure[]
}

export const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000

/**
 * One render process more than there are CPUs: between one process's exit and the next
 * one's start the event loop reaps, parses and forks (a fork costs more the larger this
 * process is); the extra process keeps every CPU rendering meanwhile.
 */
export function defaultConcurrency(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length) + 1
}

/** A target's tool output, before parsing (the manifest tests give it to a reference encoder too). */
export async function renderRaw(
  target: Target,
  context: RenderContext,
  toolbox: Toolbox,
  deps: TargetDependencies
): Promise<RawRender> {
  const raw = await renderTool(target, context, toolbox, deps)
  return target.fluxSubstitute ? withFluxSubstitution(target, raw, target.fluxSubstitute) : raw
}

async function renderTool(
  target: Target,
  context: RenderContext,
  toolbox: Toolbox,
  deps: TargetDependencies
): Promise<RawRender> {
  switch (target.type) {
    case 'helm':
      return renderHelm(target, context, await toolbox.helm())
    case 'kustomize':
      return renderKustomize(
        target,
        context,
        deps,
        await toolbox.kustomize(),
        target.kustomize?.enableHelm ? await toolbox.helm() : undefined
      )
    case 'directory':
      if (target.directory) return renderArgoDirectory(target, context)
      return renderDirectory(target, context, async dir =>
        renderKustomize(target, context, deps, await toolbox.kustomize(), undefined, dir)
      )
  }
}

/** Renders one target and parses its output into resources. */
export async function renderTarget(
  target: Target,
  context: RenderContext,
  toolbox: Toolbox
): Promise<RenderedTarget> {
  const started = performance.now()
  const deps = targetDependencies(context.repoRoot, target, context.kustomizations)
  new InputGuard(context.repoRoot, target, context.remote).check(deps)
  const raw = await renderRaw(target, context, toolbox, deps)
  const { resources, problems } = parseManifests(raw.sources ?? raw.text, target.name)
  return {
    target,
    resources,
    problems,
    commands: raw.commands,
    tools: raw.tools,
    warnings: raw.warnings,
    durationMs: performance.now() - started
  }
}

/** Renders all targets in parallel; a failure is kept per target and does not stop the others. */
export async function renderTargets(
  targets: readonly Target[],
  options: RenderOptions
): Promise<RenderOutcome> {
  const toolbox = options.toolbox ?? new Toolbox(options.logger, options.env)
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-render-'))
  try {
    const context: RenderContext = {
      repoRoot: options.repoRoot,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      tempDir,
      // A copy: each render's allow-listed environment is then read from a plain object,
      // not through process.env's lookups into the runtime.
      env: { ...(options.env ?? process.env) },
      extraEnv: { HELM_PLUGINS: fs.mkdtempSync(path.join(tempDir, 'no-helm-plugins-')) },
      kustomizations: new Map(),
      chartCache:
        options.chartCache ??
        new ChartCache(chartCacheDir(options.env ?? process.env), options.logger),
      remote: new RemoteAllowList(options.remoteAllow ?? [])
    }
    const outcomes = await mapWithConcurrency(
      targets,
      options.concurrency ?? defaultConcurrency(),
      async target => {
        try {
          const rendered = await renderTarget(target, context, toolbox)
          options.logger.debug(
            `rendered ${target.name}: ${rendered.resources.length} resources in ${Math.round(rendered.durationMs)} ms`
          )
          for (const line of rendered.warnings) options.logger.debug(`${target.name}: ${line}`)
          if (rendered.resources.length === 0)
            options.logger.warning(
              `target ${target.name} rendered no resources: its manifest.yaml on ${target.branch} would be empty`
            )
          return rendered
        } catch (error) {
          const failure: RenderFailure = {
            target,
            error:
              error instanceof HydrateError
                ? error
                : new RenderError(target.name, getErrorMessage(error))
          }
          return failure
        }
      }
    )
    return {
      rendered: outcomes.filter((o): o is RenderedTarget => 'resources' in o),
      failures: outcomes.filter((o): o is RenderFailure => 'error' in o)
    }
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true })
  }
}
