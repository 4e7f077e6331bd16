// The part of GitHub Actions' expression language the project's workflows use, for the step
// runner (workflowRunner.ts): status functions, `!`, `&&`, `||`, `==`, `!=`, parentheses,
// string literals and the `steps` and `github` contexts. Anything else is refused, so a
// workflow that starts using more fails its test instead of being evaluated wrongly.

/** What an expression can read: each step's outcome and outputs, the github context. */
export interface ExpressionContext {
  steps: Record<string, { outcome: string; conclusion: string; outputs: Record<string, string> }>
  github: Record<string, unknown>
  /** Whether a step before this one failed (what success() and failure() read). */
  failed: boolean
}

type Value = string | number | boolean | null | undefined | object

const TOKEN = /\s*(\(|\)|!=|==|!|&&|\|\||'(?:[^']|'')*'|[A-Za-z_][\w.-]*)/y

function tokenize(expression: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break
    const at = TOKEN.lastIndex
    const match = TOKEN.exec(expression)
    if (!match?.[1]) throw new Error(`unsupported expression ${expression} (at ${at})`)
    tokens.push(match[1])
  }
  return tokens
}

const FUNCTIONS: Record<string, (context: ExpressionContext) => boolean> = {
  success: c => !c.failed,
  failure: c => c.failed,
  always: () => true,
  cancelled: () => false
}

function lookup(reference: string, context: ExpressionContext): Value {
  const [root, ...rest] = reference.split('.')
  if (root === 'steps') {
    const [id, field, name, ...more] = rest
    const step = context.steps[id ?? '']
    if (more.length > 0 || !(field === 'outcome' || field === 'conclusion' || field === 'outputs'))
      throw new Error(`unsupported expression ${reference}`)
    if (field === 'outputs') {
      if (name === undefined) throw new Error(`unsupported expression ${reference}: name an output`)
      return step?.outputs[name]
    }
    if (name !== undefined) throw new Error(`unsupported expression ${reference}`)
    return step?.[field]
  }
  if (root === 'github') {
    let value: Value = context.github
    for (const key of rest)
      value = value && typeof value === 'object' ? (value as Record<string, Value>)[key] : undefined
    return value
  }
  throw new Error(`unsupported context in ${reference}: only steps and github`)
}

const truthy = (value: Value) => value !== '' && value !== 0 && Boolean(value)

/** Evaluates one expression (the text inside `${{ }}`). */
export function evaluate(expression: string, context: ExpressionContext): Value {
  const tokens = tokenize(expression)
  let i = 0
  const peek = () => tokens[i]
  const take = (expected?: string) => {
    const token = tokens[i++]
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`unsupported expression ${expression}: expected ${expected ?? 'more'}`)
    return token
  }
  const primary = (): Value => {
    const token = take()
    if (token === '!') return !truthy(primary())
    if (token === '(') {
      const value = or()
      take(')')
      return value
    }
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'")
    if (peek() === '(') {
      const fn = FUNCTIONS[token]
      if (!fn) throw new Error(`unsupported function ${token}() in ${expression}`)
      take('(')
      take(')')
      return fn(context)
    }
    if (/^[A-Za-z_]/.test(token)) return lookup(token, context)
    throw new Error(`unsupported expression ${expression} at ${token}`)
  }
  const comparison = (): Value => {
    const left = primary()
    const op = peek()
    if (op !== '==' && op !== '!=') return left
    take()
    const equal = String(left ?? '') === String(primary() ?? '')
    return op === '==' ? equal : !equal
  }
  const and = (): Value => {
    let value = comparison()
    while (peek() === '&&') {
      take()
      const right = comparison()
      value = truthy(value) ? right : value
    }
    return value
  }
  const or = (): Value => {
    let value = and()
    while (peek() === '||') {
      take()
      const right = and()
      value = truthy(value) ? value : right
    }
    return value
  }
  const value = or()
  if (i !== tokens.length) throw new Error(`unsupported expression ${expression}`)
  return value
}

/** Whether a step with this `if:` runs: without a status function, `success() && (...)`. */
export function stepRuns(condition: string | undefined, context: ExpressionContext): boolean {
  if (condition === undefined) return !context.failed
  const expression = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
  const withStatus = /\b(success|failure|always|cancelled)\(/.test(expression)
    ? expression
    : `success() && (${expression})`
  return truthy(evaluate(withStatus, context))
}

/** A string with every `${{ }}` replaced by its value. */
export function substitute(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
    const value = evaluate(expression, context)
    return value === undefined || value === null ? '' : String(value)
  })
}
