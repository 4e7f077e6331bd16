import { celEnv, isCelError, parse, plan, type CelInput, type CelValue } from '@bufbuild/cel'
import { strings } from '@bufbuild/cel/ext'
import { RE2JS } from '@bufbuild/re2'
import { ConfigError, getErrorMessage, type SourceLocation } from '../../errors.js'
import {
  BudgetExceededError,
  chargedEnv,
  CostBudget,
  DEFAULT_COST_LIMIT,
  stepFunc,
  withBudget
} from './budget.js'
import { formatFuncs } from './format.js'
import { instrument } from './instrument.js'
import { listFuncs } from './lists.js'
import { ipFuncs, urlFuncs } from './network.js'
import { optionalFuncs } from './optional.js'
import { quantityFuncs } from './quantity.js'
import { regexFuncs } from './regex.js'
import { semverFuncs } from './semver.js'
import { rewriteOptionalSyntax } from './syntax.js'

/** CEL as Kubernetes has it: the standard library, strings, and the Kubernetes libraries. */
const ENV = chargedEnv(
  celEnv({
    funcs: [
      ...strings,
      stepFunc,
      ...regexFuncs,
      ...listFuncs,
      ...quantityFuncs,
      ...semverFuncs,
      ...ipFuncs,
      ...urlFuncs,
      ...optionalFuncs,
      ...formatFuncs
    ],
    re2: { compile: pattern => RE2JS.compile(pattern) }
  })
)

export type CelOutcome =
  { ok: true; value: CelValue } | { ok: false; error: string; budgetExceeded: boolean }

export interface CelProgram {
  source: string
  location: SourceLocation
  evaluate(bindings: Record<string, CelInput>, costLimit?: number): CelOutcome
}

/** Where in its file an expression's own line and column fall. */
function locate(at: SourceLocation, line: number, column: number): SourceLocation {
  if (at.line === undefined) return at
  return line <= 1
    ? { ...at, column: (at.column ?? 1) + column - 1 }
    : { ...at, line: at.line + line - 1, column }
}

/** A parsed, instrumented expression; a syntax error is a ConfigError at its file:line:col. */
export function compileCel(
  source: string,
  location: SourceLocation,
  what = 'expression'
): CelProgram {
  const rewritten = rewriteOptionalSyntax(source)
  let evaluate: ReturnType<typeof plan>
  try {
    const parsed = parse(rewritten.text)
    evaluate = plan(ENV, instrument(parsed.expr))
  } catch (error) {
    const found = (error as { location?: { start?: { offset: number } } }).location?.start
    const raw = (error as { rawMessage?: string }).rawMessage ?? getErrorMessage(error)
    if (!found) throw new ConfigError(location, `${what} does not compile: ${raw}`)
    const offset = rewritten.original(found.offset)
    const before = source.slice(0, offset).split('\n')
    throw new ConfigError(
      locate(location, before.length, before.at(-1)!.length + 1),
      `${what} does not compile: ${raw}`
    )
  }
  return {
    source,
    location,
    evaluate(bindings, costLimit = DEFAULT_COST_LIMIT) {
      const budget = new CostBudget(costLimit)
      let result
      try {
        result = withBudget(budget, () => evaluate(bindings))
      } catch (error) {
        result = error
      }
      if (budget.exceeded)
        return {
          ok: false,
          error: new BudgetExceededError(costLimit).message,
          budgetExceeded: true
        }
      if (isCelError(result) || result instanceof Error)
        return { ok: false, error: getErrorMessage(result), budgetExceeded: false }
      return { ok: true, value: result as CelValue }
    }
  }
}
