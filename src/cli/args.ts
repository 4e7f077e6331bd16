import path from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../errors.js'
import type { FailOn } from '../policy/index.js'
import type { Command } from './help.js'
import { parseErrorMessage } from './suggest.js'

/** Flags every command takes. */
export interface CommonArgs {
  repoRoot: string
  configFile?: string
  targetFilter?: string[]
  concurrency?: number
  timeoutMs?: number
  failOn: FailOn
  verbose: boolean
  help: boolean
}

export interface RenderArgs extends CommonArgs {
  command: 'render'
  out?: string
}

/** `--shard I/N --plan FILE`: one shard of a plan (docs/adr/0019). */
export interface ShardArgs {
  shard?: string
  plan?: string
}

export interface DiffArgs extends CommonArgs, ShardArgs {
  command: 'diff'
  base?: string
  head?: string
  format: 'markdown' | 'json'
  out?: string
  remote?: string
  full: boolean
}

export interface PushArgs extends CommonArgs, ShardArgs {
  command: 'push'
  /** With --shard: where to write the shard's push report (for the report job). */
  report?: string
  remote?: string
  dryRun: boolean
  full: boolean
  committer?: { name: string; email: string }
  /** Hydrate even a commit that does not descend from what the branches record. */
  allowRollback: boolean
}

export interface TargetsArgs extends CommonArgs {
  command: 'targets'
  format: 'text' | 'json'
}

export interface PlanArgs extends CommonArgs {
  command: 'plan'
  shards: number
  remote?: string
}

export interface ReportArgs extends CommonArgs {
  command: 'report'
  /** The shard reports (files, or directories of downloaded artifacts). */
  files: string[]
  /** The plan, to check the reports against (optional: else they must agree among themselves). */
  plan?: string
  format: 'markdown' | 'json'
  out?: string
}

export interface DoctorArgs extends CommonArgs {
  command: 'doctor'
}

export type CliArgs =
  RenderArgs | DiffArgs | PushArgs | TargetsArgs | PlanArgs | ReportArgs | DoctorArgs

// Each command lists only the flags it reads: its --help and "did you mean" come from here.
const BASIC = {
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' }
} as const

/** Which repository and targets: commands that read the config. */
const REPOSITORY = {
  ...BASIC,
  C: { type: 'string', short: 'C' },
  config: { type: 'string' },
  target: { type: 'string', multiple: true }
} as const

/** Commands that render. */
const COMMON = {
  ...REPOSITORY,
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  'fail-on': { type: 'string' }
} as const

export const OPTIONS = {
  render: { ...COMMON, out: { type: 'string' } },
  diff: {
    ...COMMON,
    out: { type: 'string' },
    full: { type: 'boolean' },
    base: { type: 'string' },
    head: { type: 'string' },
    format: { type: 'string' },
    remote: { type: 'string' },
    shard: { type: 'string' },
    plan: { type: 'string' }
  },
  plan: { ...REPOSITORY, shards: { type: 'string' }, remote: { type: 'string' } },
  report: {
    ...BASIC,
    'fail-on': { type: 'string' },
    plan: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' }
  },
  targets: { ...REPOSITORY, format: { type: 'string' } },
  doctor: { ...BASIC, C: { type: 'string', short: 'C' } },
  push: {
    ...COMMON,
    full: { type: 'boolean' },
    remote: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'committer-name': { type: 'string' },
    'committer-email': { type: 'string' },
    shard: { type: 'string' },
    plan: { type: 'string' },
    report: { type: 'string' },
    'allow-rollback': { type: 'boolean' }
  }
} as const

function shardArgs(values: { shard?: string; plan?: string }): ShardArgs {
  // Shards never recompute the plan: the branches move while they run (docs/adr/0019).
  if ((values.shard === undefined) !== (values.plan === undefined))
    throw new UsageError(
      '--shard I/N and --plan FILE go together: every shard works from the one plan hydrate plan printed'
    )
  return { shard: values.shard, plan: values.plan }
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive whole number (got ${JSON.stringify(value)})`)
  return n
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string) {
  const chosen = value ?? allowed[0]
  if (!allowed.includes(chosen as T))
    throw new UsageError(
      `${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]} (got ${JSON.stringify(value)})`
    )
  return chosen as T
}

function common(values: {
  C?: string
  config?: string
  target?: string[]
  concurrency?: string
  timeout?: string
  'fail-on'?: string
  verbose?: boolean
  help?: boolean
}): CommonArgs {
  const timeout = positiveInt(values.timeout, '--timeout')
  return {
    repoRoot: path.resolve(values.C ?? '.'),
    configFile: values.config,
    targetFilter: values.target,
    concurrency: positiveInt(values.concurrency, '--concurrency'),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    failOn: oneOf(values['fail-on'], ['error', 'warning', 'never'] as const, '--fail-on'),
    verbose: values.verbose === true,
    help: values.help === true
  }
}

/** The command line of one command, typed; a bad flag or value is a UsageError (exit 2). */
export function parseCommand(command: Command, args: string[]): CliArgs {
  const parse = <O extends (typeof OPTIONS)[Command]>(options: O) =>
    parseArgs({ args, options, allowPositionals: false, strict: true }).values
  try {
    switch (command) {
      case 'render': {
        const values = parse(OPTIONS.render)
        return { command, ...common(values), out: values.out }
      }
      case 'diff': {
        const values = parse(OPTIONS.diff)
        return {
          command,
          ...common(values),
          base: values.base,
          head: values.head,
          format: oneOf(values.format, ['markdown', 'json'] as const, '--format'),
          out: values.out,
          remote: values.remote,
          full: values.full === true,
          ...shardArgs(values)
        }
      }
      case 'plan': {
        const values = parse(OPTIONS.plan)
        const shards = positiveInt(values.shards, '--shards')
        if (shards === undefined && values.help !== true)
          throw new UsageError('hydrate plan needs --shards N (the number of matrix jobs)')
        return { command, ...common(values), shards: shards ?? 1, remote: values.remote }
      }
      case 'report': {
        const parsed = parseArgs({
          args,
          options: OPTIONS.report,
          allowPositionals: true,
          strict: true
        })
        const [action, ...files] = parsed.positionals
        const values = parsed.values
        if (values.help !== true && (action !== 'merge' || files.length === 0))
          throw new UsageError(
            'usage: hydrate report merge [--plan FILE] [--format markdown|json] [--out FILE] REPORT|DIR...'
          )
        return {
          command,
          ...common(values),
          files,
          plan: values.plan,
          format: oneOf(values.format, ['markdown', 'json'] as const, '--format'),
          out: values.out
        }
      }
      case 'targets': {
        const values = parse(OPTIONS.targets)
        return {
          command,
          ...common(values),
          format: oneOf(values.format, ['text', 'json'] as const, '--format')
        }
      }
      case 'push': {
        const values = parse(OPTIONS.push)
        const name = values['committer-name']
        const email = values['committer-email']
        if ((name === undefined) !== (email === undefined))
          throw new UsageError('--committer-name and --committer-email go together')
        return {
          command,
          ...common(values),
          remote: values.remote,
          dryRun: values['dry-run'] === true,
          full: values.full === true,
          committer: name && email ? { name, email } : undefined,
          ...shardArgs(values),
          report: values.report,
          allowRollback: values['allow-rollback'] === true
        }
      }
      case 'doctor':
        return { command, ...common(parse(OPTIONS.doctor)) }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    // node:util's parseArgs errors (ERR_PARSE_ARGS_*): unknown flag, missing value.
    throw new UsageError(parseErrorMessage(error, command, OPTIONS))
  }
}
