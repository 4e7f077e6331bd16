import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  assertPolicy,
  assertRendered,
  diffRepository,
  newFindings,
  hydrateRepository,
  renderRepository,
  writeLayouts,
  type EngineOptions
} from '../engine.js'
import { exitCodeOf, getErrorMessage, UsageError } from '../errors.js'
import type { WriteResult } from '../hydrate/branchWriter.js'
import { ConsoleLogger } from '../logger.js'
import { failsOn, formatFinding, type FailOn } from '../policy/index.js'
import { renderJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'

const COMMON_OPTIONS = `  -C DIR              Repository to read (default: the current directory)
  --config F          Config file (default: hydrate.yaml at the repo root, else the
                      zero-config layout environments/{env} -> env/{env})
  --target GLOB       Only targets whose name matches (repeatable)
  --concurrency N     Parallel renders (default: number of CPUs)
  --timeout SECONDS   Per render process (default: 300)
  --fail-on LEVEL     Policy findings that fail the run: error (default), warning, never
                      (a push is always blocked by error findings)
  -v, --verbose       Debug output
  -h, --help          This help`

const DIFF_HELP = `Usage: hydrate diff [-C DIR] [--config F] --base REF [--head REF] [--format markdown|json] [--out FILE]

Render the base (the merge-base of REF and the head, from a temporary worktree) and the
head, and print what changes in each environment, resource by resource. Secret values are
masked. The repository is not modified.

Options:
  --base REF          The branch or commit the change goes into (e.g. origin/main)
  --head REF          The change (default: the working tree at HEAD)
  --format F          markdown (default) or json
  --out FILE          Write the report to FILE instead of standard output
  --remote NAME       Where to fetch a missing base from (default: origin)
  --full              Render every target (default: only those whose inputs changed)
${COMMON_OPTIONS}
`

const HELP = {
  diff: DIFF_HELP,
  render: `Usage: hydrate render [-C DIR] [--config F] [--out DIR] [--target GLOB]...

Render every target and write the environment-branch layouts to OUT/<branch>/
(for env/dev: OUT/env/dev/<path>/manifest.yaml). The repository is not modified.

Options:
  --out DIR           Output directory (default: $TMPDIR/hydrate/<repo name>)
${COMMON_OPTIONS}
`,
  push: `Usage: hydrate push [-C DIR] [--config F] [--remote NAME] [--dry-run]

Render every target and commit the result to the environment branches of the remote,
one commit per branch, without checking anything out, then push all branches and the
hydrator notes in one atomic push. Nothing is pushed if any target fails to render.

Options:
  --remote NAME       Remote name or URL holding the environment branches (default: origin)
  --dry-run           Print what would change per branch; commit and push nothing
  --full              Render every target (default: only those affected since the dry
                      commit each branch records; the others keep their output)
  --committer-name N  Committer of the hydrated commits (default: git config user.name)
  --committer-email E Committer email (default: git config user.email)
${COMMON_OPTIONS}
`
}

const USAGE = `hydrate — the rendered manifests pattern for GitOps

Usage:
  hydrate render [-C DIR] [--config F] [--out DIR] [--target GLOB]
  hydrate diff   [-C DIR] [--config F] --base REF [--head REF] [--format markdown|json] [--out FILE]
  hydrate push   [-C DIR] [--config F] [--remote NAME] [--dry-run]

Commands:
  render   Write the environment-branch layouts to a directory
  diff     Show the rendered diff between a base and a head, per environment
  push     Commit them to the environment branches and push (one atomic push)

Run \`hydrate <command> --help\` for the options.
Exit codes: 0 success, 1 render or push failure, 2 usage or configuration error.
`

type Command = keyof typeof HELP

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive whole number (got ${JSON.stringify(value)})`)
  return n
}

function parse(command: Command, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      C: { type: 'string', short: 'C' },
      config: { type: 'string' },
      target: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'fail-on': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
      ...(command === 'render' || command === 'diff' ? { out: { type: 'string' as const } } : {}),
      ...(command === 'diff' || command === 'push' ? { full: { type: 'boolean' as const } } : {}),
      ...(command === 'diff'
        ? {
            base: { type: 'string' as const },
            head: { type: 'string' as const },
            format: { type: 'string' as const },
            remote: { type: 'string' as const }
          }
        : {}),
      ...(command === 'push'
        ? {
            remote: { type: 'string' as const },
            'dry-run': { type: 'boolean' as const },
            'committer-name': { type: 'string' as const },
            'committer-email': { type: 'string' as const }
          }
        : {})
    },
    allowPositionals: false,
    strict: true
  })
  return values as Record<string, string | string[] | boolean | undefined>
}

function engineOptions(
  values: Record<string, string | string[] | boolean | undefined>,
  logger: ConsoleLogger
): EngineOptions {
  const timeout = positiveInt(values.timeout as string | undefined, '--timeout')
  return {
    repoRoot: path.resolve((values.C as string | undefined) ?? '.'),
    configFile: values.config as string | undefined,
    targetFilter: values.target as string[] | undefined,
    concurrency: positiveInt(values.concurrency as string | undefined, '--concurrency'),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    logger
  }
}

export function formatWriteResult(result: WriteResult, dryRun: boolean): string {
  const lines: string[] = []
  for (const branch of result.branches) {
    const head =
      branch.status === 'skipped'
        ? `skipped (${branch.reason})`
        : branch.status === 'unchanged'
          ? `unchanged${branch.note ? ' (note added)' : ''}`
          : `${branch.status}${branch.commit ? ` ${branch.commit.slice(0, 12)}` : dryRun ? ' (dry run)' : ''}`
    lines.push(`${branch.branch}: ${head}`)
    const pruned = new Set(branch.pruned.map(p => p.target))
    const changed = branch.changedTargets.filter(name => !pruned.has(name))
    if (changed.length > 0) lines.push(`  targets: ${changed.join(', ')}`)
    for (const { path, target } of branch.pruned)
      lines.push(`  pruned: ${path} (target ${target} removed)`)
    for (const change of branch.changes)
      lines.push(
        `  ${change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~'} ${change.path}`
      )
  }
  const outcome = dryRun
    ? 'dry run: nothing committed or pushed'
    : result.pushed
      ? `pushed in 1 atomic push (attempt ${result.attempts})`
      : 'nothing to push'
  lines.push(`${outcome}; ${result.gitProcesses} git processes`)
  return `${lines.join('\n')}\n`
}

export async function runCli(
  argv: string[],
  stdout: NodeJS.WritableStream = process.stdout
): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    stdout.write(USAGE)
    return command === undefined ? 2 : 0
  }
  let verbose = false
  try {
    if (!(command in HELP))
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`)
    const values = parse(command as Command, rest)
    if (values.help) {
      stdout.write(HELP[command as Command])
      return 0
    }
    verbose = values.verbose === true
    const logger = new ConsoleLogger(verbose)
    const options = engineOptions(values, logger)
    const failOn = (values['fail-on'] as string | undefined) ?? 'error'
    if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'never') {
      throw new UsageError(
        `--fail-on must be error, warning or never (got ${JSON.stringify(failOn)})`
      )
    }
    if (command === 'render') {
      const result = await renderRepository(options)
      assertRendered(result)
      assertPolicy(result.policy.findings, failOn, logger)
      const outDir = path.resolve(
        (values.out as string | undefined) ??
          path.join(os.tmpdir(), 'hydrate', path.basename(result.config.repoRoot))
      )
      writeLayouts(outDir, result.layouts)
      stdout.write(
        `Rendered ${result.rendered.length} targets from ${result.dry.sha.slice(0, 7)} into ${outDir}\n`
      )
      for (const layout of result.layouts) {
        const resources = layout.targets.reduce((n, t) => n + t.resources.length, 0)
        stdout.write(
          `  ${layout.branch}: ${layout.targets.length} targets, ${resources} resources (${layout.targets.map(t => t.target.path).join(', ')})\n`
        )
      }
      const { stats, findings, durationMs } = result.policy
      stdout.write(
        `Policy: ${findings.length} finding${findings.length === 1 ? '' : 's'}; ${stats.schemaChecked} resources checked against the Kubernetes schemas, ${stats.schemaSkipped} custom resources skipped (${Math.round(durationMs)} ms)\n`
      )
      return 0
    }
    if (command === 'diff') return await runDiff(values, options, failOn, stdout)
    const name = values['committer-name'] as string | undefined
    const email = values['committer-email'] as string | undefined
    if ((name === undefined) !== (email === undefined))
      throw new UsageError('--committer-name and --committer-email go together')
    const dryRun = values['dry-run'] === true
    const result = await hydrateRepository({
      ...options,
      remote: values.remote as string | undefined,
      dryRun,
      committer: name && email ? { name, email } : undefined,
      failOn,
      full: values.full === true
    })
    stdout.write(formatWriteResult(result.write, dryRun))
    return 0
  } catch (error) {
    const parseArgsError =
      typeof error === 'object' &&
      error !== null &&
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    process.stderr.write(`error: ${getErrorMessage(error)}\n`)
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    return parseArgsError ? 2 : exitCodeOf(error)
  }
}

async function runDiff(
  values: Record<string, string | string[] | boolean | undefined>,
  options: EngineOptions,
  failOn: FailOn,
  stdout: NodeJS.WritableStream
): Promise<number> {
  const base = values.base as string | undefined
  if (!base)
    throw new UsageError(
      'hydrate diff needs --base REF (the branch or commit the change goes into)'
    )
  const format = (values.format as string | undefined) ?? 'markdown'
  if (format !== 'markdown' && format !== 'json')
    throw new UsageError(`--format must be markdown or json (got ${JSON.stringify(format)})`)
  const result = await diffRepository({
    ...options,
    base,
    head: values.head as string | undefined,
    remote: values.remote as string | undefined,
    full: values.full === true
  })
  const text =
    format === 'json'
      ? renderJson(result.report)
      : renderMarkdown(result.report, { timings: result.timings })
  const out = values.out as string | undefined
  if (out) {
    fs.writeFileSync(out, text)
    options.logger.info(`wrote the ${format} report to ${out}`)
  } else {
    stdout.write(text)
  }
  const blocking = newFindings(result.report).filter(f => failsOn([f], failOn))
  for (const finding of result.report.findings)
    (blocking.includes(finding) ? options.logger.error : options.logger.warning).call(
      options.logger,
      formatFinding(finding)
    )
  const failed = result.report.targets.filter(t => t.status === 'error')
  if (failed.length > 0) {
    options.logger.error(
      `${failed.length} target${failed.length === 1 ? '' : 's'} failed to render: ${failed.map(t => t.name).join(', ')}`
    )
    return 1
  }
  return blocking.length > 0 ? 1 : 0
}
