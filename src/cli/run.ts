import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { assertRendered, renderRepository, writeLayouts } from '../engine.js'
import { exitCodeOf, getErrorMessage, UsageError } from '../errors.js'
import { ConsoleLogger } from '../logger.js'

const USAGE = `hydrate — the rendered manifests pattern for GitOps

Usage:
  hydrate render [-C DIR] [--config F] [--out DIR] [--target GLOB]...

Commands:
  render   Render every target and write the environment-branch layouts to
           OUT/<branch>/ (for env/dev: OUT/env/dev/<path>/manifest.yaml).

Options:
  -C DIR              Repository to read (default: the current directory)
  --config F          Config file (default: hydrate.yaml at the repo root, else the
                      zero-config layout environments/{env} -> env/{env})
  --out DIR           Output directory (default: $TMPDIR/hydrate/<repo name>)
  --target GLOB       Only targets whose name matches (repeatable)
  --concurrency N     Parallel renders (default: number of CPUs)
  --timeout SECONDS   Per render process (default: 300)
  -v, --verbose       Debug output
  -h, --help          This help

Exit codes: 0 success, 1 render failure, 2 usage or configuration error.
`

const COMMAND_HELP: Record<string, string> = { render: USAGE }

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive whole number (got ${JSON.stringify(value)})`)
  return n
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
    if (!(command in COMMAND_HELP))
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`)
    const { values } = parseArgs({
      args: rest,
      options: {
        C: { type: 'string', short: 'C' },
        config: { type: 'string' },
        out: { type: 'string' },
        target: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' }
      },
      allowPositionals: false,
      strict: true
    }).valueOf() as { values: Record<string, string | string[] | boolean | undefined> }
    if (values.help) {
      stdout.write(COMMAND_HELP[command] as string)
      return 0
    }
    verbose = values.verbose === true
    const logger = new ConsoleLogger(verbose)
    const repoRoot = path.resolve((values.C as string | undefined) ?? '.')
    const timeout = positiveInt(values.timeout as string | undefined, '--timeout')
    const result = await renderRepository({
      repoRoot,
      configFile: values.config as string | undefined,
      targetFilter: values.target as string[] | undefined,
      concurrency: positiveInt(values.concurrency as string | undefined, '--concurrency'),
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      logger
    })
    assertRendered(result)
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
    return 0
  } catch (error) {
    const parseArgsError =
      typeof error === 'object' &&
      error !== null &&
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    const code = parseArgsError ? 2 : exitCodeOf(error)
    process.stderr.write(`error: ${getErrorMessage(error)}\n`)
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    return code
  }
}
