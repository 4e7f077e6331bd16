import { parseArgs } from 'node:util'
import { testPolicies } from '../engine.js'
import { UsageError } from '../errors.js'
import { counted } from '../plural.js'
import { failsOn, formatFinding } from '../policy/index.js'
import type { CommonArgs } from './commonArgs.js'
import type { CommandContext } from './context.js'

export interface PolicyArgs extends CommonArgs {
  command: 'policy'
  files: string[]
  format: 'text' | 'json'
}

export const POLICY_USAGE =
  'usage: hydrate policy test [-C DIR] [--config F] [--format text|json] FILE...'

/** Parses `policy test …` with the flags every command takes. */
export function parsePolicyArgs(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>,
  common: (values: Record<string, unknown>) => CommonArgs
): PolicyArgs {
  const parsed = parseArgs({
    args,
    options: { ...options, format: { type: 'string' } },
    allowPositionals: true,
    strict: true
  })
  const [action, ...files] = parsed.positionals
  const values = parsed.values as Record<string, unknown>
  if (values.help !== true && (action !== 'test' || files.length === 0))
    throw new UsageError(POLICY_USAGE)
  const format = (values.format as string | undefined) ?? 'text'
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json (got ${JSON.stringify(format)})`)
  return { command: 'policy', ...common(values), files, format }
}

export async function policyCommand(args: PolicyArgs, context: CommandContext): Promise<number> {
  const result = await testPolicies(context.engine, args.files)
  if (args.format === 'json') context.stdout.write(`${JSON.stringify(result.findings, null, 2)}\n`)
  else {
    for (const finding of result.findings) context.stdout.write(`${formatFinding(finding)}\n`)
    context.stdout.write(
      `${counted(result.findings.length, 'finding')} on ${counted(result.objects, 'object')}\n`
    )
  }
  return failsOn(result.findings, args.failOn ?? 'error') ? 1 : 0
}
