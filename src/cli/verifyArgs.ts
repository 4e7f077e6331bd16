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

export const VERIFY_OPTIONS = {
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
} as const

export function parseVerify(args: string[]): VerifyArgs {
  const values = parseArgs({
    args,
    options: VERIFY_OPTIONS,
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
