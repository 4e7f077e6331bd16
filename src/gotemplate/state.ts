import { TemplateExecError } from './errors.js'
import { executionBudget } from './budget.js'
import type { Node } from './nodes.js'
import { nodeString } from './nodes.js'
import type { ParsedTemplate } from './parse.js'
import type { FuncMap } from './funcs.js'
import type { GoValue } from './values.js'
import { byteLength } from './lexer.js'

// The executor's state (exec.go's `state`): variables, the node being run for error texts,
// and the work counted against limits.ts. eval.ts evaluates pipelines on it, exec.ts walks.

export type MissingKey = 'default' | 'invalid' | 'zero' | 'error'

export interface ExecOptions {
  missingKey: MissingKey
  funcs: FuncMap
  /** Why a function hydrate knows but will not run is refused, by name. */
  refusal(name: string): string | undefined
}

/** The final argument of a command: the previous command's value, or none. */
export const MISSING = Symbol('missing')
export type Final = GoValue | typeof MISSING

export abstract class State {
  protected vars: { name: string; value: GoValue }[] = []
  protected node: Node | undefined
  protected name: string
  /** The work counted against limits.ts, inside the ApplicationSet's budget if any. */
  readonly budget = executionBudget()
  /** Is dot a value of static type interface{} (a range element)? Go's error texts differ. */
  protected dotIface = false

  constructor(
    protected readonly parsed: ParsedTemplate,
    protected readonly text: string,
    protected readonly options: ExecOptions
  ) {
    this.name = parsed.name
  }

  protected at(node: Node): void {
    this.node = node
  }

  errorf(message: string): never {
    if (!this.node)
      throw new TemplateExecError(`template: ${this.name}: ${message}`, {
        context: '',
        detail: message
      })
    const before = Buffer.from(this.text, 'utf8').subarray(0, this.node.pos).toString('utf8')
    const lastBreak = before.lastIndexOf('\n')
    const line = 1 + before.split('\n').length - 1
    const column = lastBreak < 0 ? this.node.pos : byteLength(before.slice(lastBreak + 1))
    const context = nodeString(this.node)
    throw new TemplateExecError(
      `template: ${this.parsed.name}:${line}:${column}: executing ${JSON.stringify(this.name)} at <${context}>: ${message}`,
      { context, detail: message }
    )
  }

  protected step(): void {
    this.budget.charge(1)
  }
}
