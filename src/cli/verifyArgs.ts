import { parseArgs } from 'node:util'
import { UsageError } from '../errors.js'
import type { ToolsFrom } from '../verify/types.js'
import { common, COMMON, oneOf, type CommonArgs } from './commonArgs.js'

export interface VerifyArgs extends CommonArgs {
  command: 'verify'
  remote?: string
  branches?: string[]
  format: 'text' | 'json'
  out?: string
  repair: boolean
  pruneStray: boolean
  toolsFrom: ToolsFrom
  committer?: { name: string; email: string }
}

export const VERIFY_HELP = `Usage: hydrate verify [-C DIR] [--config F] [--remote NAME|URL] [--branch B]... [--format text|json] [--out FILE] [--repair [--prune-stray]] [--tools-from recorded|path]

Re-render every path this config owns on each environment branch at the dry commit the
branch records, and compare bytes. Each problem is named: edited (the masked diff, and who
committed it), stray, missing, stale (the dry branch moved on and no hydration followed),
toolchain skew (the tools on PATH differ from the recorded ones, and that alone changes the
output), inconsistent (notes, metadata and state file disagree). Exit 0 when every branch
verifies, 1 on drift.

Options:
  --remote NAME       The repository holding the environment branches (default: origin)
  --branch B          Only this branch (repeatable; default: every branch the config writes)
  --format F          text (default) or json
  --out FILE          Write the report to FILE instead of standard output
  --repair            Re-hydrate edited and missing paths from their recorded dry commit
                      (one commit per branch, one atomic push; only paths this config owns)
  --prune-stray       With --repair: remove the stray files too
  --tools-from T      recorded (default: toolchain skew is reported, not drift) or path
                      (the tools on PATH are the reference: skew is drift)
  --committer-name N, --committer-email E   The repair commits' committer
  -C DIR, --config F, -v, -h                As for every command
`

// Built on use: args.ts imports this module, so COMMON is not there yet at load.
const options = () =>
  ({
    ...COMMON,
    remote: { type: 'string' },
    branch: { type: 'string', multiple: true },
    format: { type: 'string' },
    out: { type: 'string' },
    repair: { type: 'boolean' },
    'prune-stray': { type: 'boolean' },
    'tools-from': { type: 'string' },
    'committer-name': { type: 'string' },
    'committer-email': { type: 'string' }
  }) as const

export function parseVerify(args: string[]): VerifyArgs {
  const values = parseArgs({
    args,
    options: options(),
    allowPositionals: false,
    strict: true
  }).values
  if (values['prune-stray'] && !values.repair)
    throw new UsageError('--prune-stray goes with --repair')
  const name = values['committer-name']
  const email = values['committer-email']
  if ((name === undefined) !== (email === undefined))
    throw new UsageError('--committer-name and --committer-email go together')
  return {
    command: 'verify',
    ...common(values),
    remote: values.remote,
    branches: values.branch,
    format: oneOf(values.format, ['text', 'json'] as const, '--format'),
    out: values.out,
    repair: values.repair === true,
    pruneStray: values['prune-stray'] === true,
    toolsFrom: oneOf(values['tools-from'], ['recorded', 'path'] as const, '--tools-from'),
    committer: name && email ? { name, email } : undefined
  }
}
