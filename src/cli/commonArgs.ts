import path from 'node:path'
import { UsageError } from '../errors.js'
import type { FailOn } from '../policy/index.js'

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

// Each command lists only the flags it reads: its --help and "did you mean" come from here.
export const BASIC = {
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' }
} as const

/** Which repository and targets: commands that read the config. */
export const REPOSITORY = {
  ...BASIC,
  C: { type: 'string', short: 'C' },
  config: { type: 'string' },
  target: { type: 'string', multiple: true }
} as const

/** Commands that render. */
export const COMMON = {
  ...REPOSITORY,
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  'fail-on': { type: 'string' }
} as const

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive whole number (got ${JSON.stringify(value)})`)
  return n
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string
) {
  const chosen = value ?? allowed[0]
  if (!allowed.includes(chosen as T))
    throw new UsageError(
      `${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]} (got ${JSON.stringify(value)})`
    )
  return chosen as T
}

export function common(values: {
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
