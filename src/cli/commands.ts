import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  configSource,
  diffRepository,
  diffVerdict,
  enforceVerdict,
  hydrateRepository,
  listImages,
  loadTargets,
  planRepository,
  renderRepository,
  renderVerdict,
  writeLayouts,
  type RepositoryHydration
} from '../engine.js'
import { getErrorMessage, UsageError } from '../errors.js'
import { renderJson } from '../report/json.js'
import { mergeDiffReports, renderShardDiff } from '../shard/diffReport.js'
import { renderMarkdown } from '../report/markdown.js'
import { readShardReports } from '../shard/load.js'
import { formatShardId, parseMatrix, serializeMatrix, type ShardMatrix } from '../shard/plan.js'
import { mergePushReports, pushShardReport, renderPushShardReport } from '../shard/pushReport.js'
import { checkDiffClaims, checkPushClaims } from '../shard/claims.js'
import { checkShards, IncompleteShardsError } from '../shard/reports.js'
import { shardScope, type ShardScope } from '../shard/scope.js'
import type {
  DiffArgs,
  ImagesArgs,
  PlanArgs,
  PushArgs,
  RenderArgs,
  ReportArgs,
  ShardArgs,
  TargetsArgs
} from './args.js'
import { targetsJson, targetsText } from './targetsOutput.js'
import { imagesJson, imagesText } from '../images/listing.js'
import { formatImageChange } from '../images/containerImages.js'
import { formatPromotion, formatToolWarnings, formatWriteResult } from './pushOutput.js'
import { counted } from '../plural.js'
import type { CommandContext } from './context.js'
import { provenanceRun } from '../provenance/run.js'
import { HYDRATE_VERSION } from '../version.js'
import { promotionOrder } from '../config/promotion.js'

export type { CommandContext } from './context.js'

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

function readPlan(file: string): ShardMatrix {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read the plan ${file}: ${getErrorMessage(error)}`)
  }
  return parseMatrix(text, `the plan ${file}`)
}

function scopeOf(args: ShardArgs): ShardScope | undefined {
  return args.shard !== undefined && args.plan !== undefined
    ? shardScope(readPlan(args.plan), args.shard)
    : undefined
}

export async function diffCommand(args: DiffArgs, context: CommandContext): Promise<number> {
  const { engine, stdout } = context
  if (!args.base)
    throw new UsageError(
      'hydrate diff needs --base REF (the branch or commit the change goes into)'
    )
  const shard = scopeOf(args)
  if (shard && args.format !== 'json')
    throw new UsageError('a shard writes a JSON report for the merge: add --format json')
  const result = await diffRepository({
    ...engine,
    shard,
    base: args.base,
    head: args.head,
    remote: args.remote,
    full: args.full
  })
  const report = result.report
  const text = context.guard.check(
    shard && args.shard && shard.fingerprint
      ? renderShardDiff(result, { id: formatShardId(shard.id), fingerprint: shard.fingerprint })
      : args.format === 'json'
        ? renderJson(report)
        : renderMarkdown(report, {
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
  const shard = scopeOf(args)
  if (args.report !== undefined && !shard)
    throw new UsageError(
      '--report FILE writes a shard push report: it goes with --shard and --plan'
    )
  const result = await hydrateRepository({
    ...context.engine,
    shard,
    remote: args.remote,
    dryRun: args.dryRun,
    committer: args.committer,
    failOn: args.failOn,
    full: args.full,
    signingKey: args.signingKey ? { text: readSigningKey(args.signingKey) } : undefined,
    provenance: args.provenance
      ? provenanceRun(process.env, HYDRATE_VERSION, new Date())
      : undefined,
    images: 'changes',
    rollback: args.allowRollback ? 'allow' : 'refuse'
  })
  if (args.provenance !== undefined) writeProvenance(args.provenance, result, context)
  if (shard?.fingerprint && args.report !== undefined) {
    const report = pushShardReport(result.write, result.render.dry.sha, {
      id: formatShardId(shard.id),
      fingerprint: shard.fingerprint
    })
    fs.writeFileSync(
      args.report,
      context.guard.check(renderPushShardReport(report), 'the shard push report')
    )
  }
  context.stdout.write(formatWriteResult(result.write, args.dryRun))
  context.stdout.write(formatToolWarnings(result.render.rendered))
  if (result.promotion) context.stdout.write(formatPromotion(result.promotion))
  for (const change of result.images?.changes ?? [])
    context.stdout.write(`image ${formatImageChange(change)}\n`)
  return 0
}

/** The container images per environment, from the branches or a render. */
export async function imagesCommand(args: ImagesArgs, context: CommandContext): Promise<number> {
  const listing = await listImages({ ...context.engine, from: args.from, remote: args.remote })
  context.stdout.write(args.format === 'json' ? imagesJson(listing) : imagesText(listing))
  return listing.unread.length > 0 ? 1 : 0
}

/** The text of a --signing-key file; unreadable is a usage error. */
export function readSigningKey(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`--signing-key ${file}: ${getErrorMessage(error)}`)
  }
}

/** The provenance statement, through the guard; none when the push wrote no branch. */
function writeProvenance(file: string, result: RepositoryHydration, context: CommandContext): void {
  if (!result.provenance || result.provenance.subject.length === 0) {
    context.engine.logger.warning(`no provenance statement written to ${file}: nothing was pushed`)
    return
  }
  fs.writeFileSync(
    file,
    context.guard.check(
      `${JSON.stringify(result.provenance, null, 2)}\n`,
      'the provenance statement'
    )
  )
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

/** `hydrate plan`: the matrix JSON on standard output. */
export async function planCommand(args: PlanArgs, context: CommandContext): Promise<number> {
  const plan = await planRepository({ ...context.engine, shards: args.shards, remote: args.remote })
  context.stdout.write(`${serializeMatrix(plan.matrix)}\n`)
  return 0
}

/**
 * `hydrate report merge`: the shard reports as one. Refuses reports of another plan; a
 * shard that sent nothing fails the merge, naming it, and nothing merged is printed.
 */
export async function reportCommand(args: ReportArgs, context: CommandContext): Promise<number> {
  const { engine, stdout } = context
  const plan = args.plan !== undefined ? readPlan(args.plan) : undefined
  const reports = readShardReports(args.files)
  const completeness = checkShards(
    reports?.parts ?? [],
    plan && {
      fingerprint: plan.include[0]?.fingerprint ?? '',
      count: plan.include.length
    }
  )
  if (completeness.missing.length > 0)
    throw new IncompleteShardsError(completeness.missing, completeness.count)
  if (!reports) throw new UsageError('no shard reports to merge')
  if (reports.kind === 'diff') checkDiffClaims(reports.parts, plan)
  else checkPushClaims(reports.parts, plan)
  if (reports.kind === 'push') {
    const merged = mergePushReports(reports.parts)
    const lines = merged.branches.map(
      b =>
        `${b.branch}: ${b.status}${b.commit ? ` ${b.commit}` : ''}${b.changedTargets.length ? ` (${b.changedTargets.join(', ')})` : ''}${b.reason ? ` (${b.reason})` : ''}\n`
    )
    const text = context.guard.check(
      args.format === 'json' ? `${JSON.stringify(merged, null, 2)}\n` : lines.join(''),
      'the merged push report'
    )
    if (args.out) fs.writeFileSync(args.out, text)
    else stdout.write(text)
    return 0
  }
  const { report, timings } = mergeDiffReports(reports.parts)
  const text = context.guard.check(
    args.format === 'json' ? renderJson(report) : renderMarkdown(report, { timings }),
    `the merged ${args.format} report`
  )
  if (args.out) {
    fs.writeFileSync(args.out, text)
    engine.logger.info(
      `merged ${reports.parts.length} shard reports into ${args.out} (${args.format})`
    )
  } else stdout.write(text)
  enforceVerdict(diffVerdict(report, args.failOn), engine.logger)
  return 0
}
