import { parseArgs } from 'node:util'
import { UsageError } from '../errors.js'
import {
  BASIC,
  common,
  COMMON,
  oneOf,
  positiveInt,
  REPOSITORY,
  type CommonArgs
} from './commonArgs.js'
import type { Command } from './help.js'
import { parsePolicyArgs, type PolicyArgs } from './policyTest.js'
import { parseErrorMessage } from './suggest.js'
import { parseVerify, VERIFY_OPTIONS, type VerifyArgs } from './verifyArgs.js'

export type { CommonArgs } from './commonArgs.js'

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
  /** A private key file (SSH or PGP) that signs every commit (docs/provenance.md). */
  signingKey?: string
  /** Where to write the push's provenance statement (in-toto, SLSA provenance v1). */
  provenance?: string
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

export interface ImagesArgs extends CommonArgs {
  command: 'images'
  from: 'branches' | 'render'
  remote?: string
  format: 'text' | 'json'
}

export type CliArgs =
  | RenderArgs
  | DiffArgs
  | PushArgs
  | TargetsArgs
  | PlanArgs
  | ReportArgs
  | DoctorArgs
  | ImagesArgs
  | VerifyArgs
  | PolicyArgs

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
  images: {
    ...COMMON,
    from: { type: 'string' },
    remote: { type: 'string' },
    format: { type: 'string' }
  },
  verify: VERIFY_OPTIONS,
  policy: { ...REPOSITORY, 'fail-on': { type: 'string' }, format: { type: 'string' } },
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
    'allow-rollback': { type: 'boolean' },
    'signing-key': { type: 'string' },
    provenance: { type: 'string' }
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
          allowRollback: values['allow-rollback'] === true,
          signingKey: values['signing-key'],
          provenance: values.provenance
        }
      }
      case 'doctor':
        return { command, ...common(parse(OPTIONS.doctor)) }
      case 'images': {
        const values = parse(OPTIONS.images)
        return {
          command,
          ...common(values),
          from: oneOf(values.from, ['branches', 'render'] as const, '--from'),
          remote: values.remote,
          format: oneOf(values.format, ['text', 'json'] as const, '--format')
        }
      }
      case 'verify':
        return parseVerify(args)
      case 'policy':
        return parsePolicyArgs(args, OPTIONS.policy, common)
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    // node:util's parseArgs errors (ERR_PARSE_ARGS_*): unknown flag, missing value.
    throw new UsageError(parseErrorMessage(error, command, OPTIONS))
  }
}
