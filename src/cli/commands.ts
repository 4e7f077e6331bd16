import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  configSource,
  diffRepository,
  diffVerdict,
  enforceVerdict,
  hydrateRepository,
  loadTargets,
  renderRepository,
  renderVerdict,
  writeLayouts,
  type EngineOptions
} from '../engine.js'
import { UsageError } from '../errors.js'
import { renderJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'
import type { CredentialGuard } from '../security/credentials.js'
import type { DiffArgs, PushArgs, RenderArgs, TargetsArgs } from './args.js'
import { targetsJson, targetsText } from './targetsOutput.js'
import { formatPromotion, formatToolWarnings, formatWriteResult } from './pushOutput.js'
import { counted } from '../plural.js'
import { promotionOrder } from '../config/promotion.js'

/** What every command gets: engine options, the run's guard, where to print. */
export interface CommandContext {
  engine: EngineOptions
  guard: CredentialGuard
  stdout: NodeJS.WritableStream
}

export async function renderCommand(args: RenderArgs, context: CommandContext): Promise<number> {
  const { engine, stdout } = context
  const result = await renderRepository(engine)
  // Blocking findings stop everything; failed targets do not stop the others being written.
  const { failure, ...findings } = renderVerdict(result, args.failOn)
  enforceVerdict(findings, engine.logger)
  const outDir = path.resolve(
    args.out ?? path.join(os.tmpdir(), 'hydrate', path.basename(result.config.repoRoot))
  )
  writeLayouts(outDir, result.layouts, context.guard)
  stdout.write(
    `Rendered ${counted(result.rendered.length, 'target')} from ${result.dry.sha.slice(0, 7)} into ${outDir}\n`
  )
  for (const layout of result.layouts) {
    const resources = layout.targets.reduce((n, t) => n + t.resources.length, 0)
    stdout.write(
      `  ${layout.branch}: ${counted(layout.targets.length, 'target')}, ${counted(resources, 'resource')} (${layout.targets.map(t => t.target.path).join(', ')})\n`
    )
  }
  stdout.write(formatToolWarnings(result.rendered))
  const { stats, findings: policy, durationMs } = result.policy
  stdout.write(
    `Policy: ${counted(policy.length, 'finding')}; ${stats.schemaChecked} resources checked against the Kubernetes schemas, ${stats.schemaSkipped} custom resources skipped (${Math.round(durationMs)} ms)\n`
  )
  if (failure) throw failure
  return 0
}

export async function diffCommand(args: DiffArgs, context: CommandContext): Promise<number> {
  const { engine, stdout } = context
  if (!args.base)
    throw new UsageError(
      'hydrate diff needs --base REF (the branch or commit the change goes into)'
    )
  const result = await diffRepository({
    ...engine,
    base: args.base,
    head: args.head,
    remote: args.remote,
    full: args.full
  })
  const text = context.guard.check(
    args.format === 'json'
      ? renderJson(result.report)
      : renderMarkdown(result.report, {
          timings: result.timings,
          failOn: args.failOn,
          environmentOrder: promotionOrder(result.head.config)
        }),
    `the ${args.format} report`
  )
  if (args.out) {
    fs.writeFileSync(args.out, text)
    engine.logger.info(`wrote the ${args.format} report to ${args.out}`)
  } else {
    stdout.write(text)
  }
  enforceVerdict(diffVerdict(result.report, args.failOn), engine.logger)
  return 0
}

export async function pushCommand(args: PushArgs, context: CommandContext): Promise<number> {
  const result = await hydrateRepository({
    ...context.engine,
    remote: args.remote,
    dryRun: args.dryRun,
    committer: args.committer,
    failOn: args.failOn,
    full: args.full
  })
  context.stdout.write(formatWriteResult(result.write, args.dryRun))
  context.stdout.write(formatToolWarnings(result.render.rendered))
  if (result.promotion) context.stdout.write(formatPromotion(result.promotion))
  return 0
}

/** Lists the targets (discovered or configured) and where each was declared. */
export async function targetsCommand(args: TargetsArgs, context: CommandContext): Promise<number> {
  const config = await loadTargets(context.engine)
  const source = configSource(config)
  context.stdout.write(
    args.format === 'json' ? targetsJson(config, source) : targetsText(config, source)
  )
  return 0
}
