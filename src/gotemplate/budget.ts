import { TemplateRefusedError } from './errors.js'
import { LIMITS } from './limits.js'
import { GoInt, type GoValue } from './values.js'

// The work budget one template execution draws on, and an ApplicationSet's budget over all
// its strings. Function bodies (regex, sorts, value walks) charge the execution running them:
// execution is synchronous, so the running one is the active budget below.

export class WorkBudget {
  private used = 0

  constructor(
    private readonly limit: number,
    private readonly refusal: string,
    private readonly parent?: WorkBudget
  ) {}

  charge(units: number): void {
    this.used += units
    if (this.used > this.limit) throw new TemplateRefusedError(this.refusal)
    this.parent?.charge(units)
  }
}

let active: WorkBudget | undefined

/** The budget of one template execution, inside the enclosing ApplicationSet's if any. */
export function executionBudget(): WorkBudget {
  return new WorkBudget(
    LIMITS.steps,
    `template takes more than ${LIMITS.steps} steps to render (hydrate's bound for a template from a pull request)`,
    active
  )
}

/** Runs `work` with `budget` charged for everything it does. */
export function withBudget<T>(budget: WorkBudget, work: () => T): T {
  const saved = active
  active = budget
  try {
    return work()
  } finally {
    active = saved
  }
}

/** Runs `work` (all of one ApplicationSet's templates) under one shared budget. */
export function withApplicationSetBudget<T>(work: () => T): T {
  const limit = LIMITS.steps * LIMITS.applicationSetFactor
  return withBudget(
    new WorkBudget(
      limit,
      `templates of one ApplicationSet take more than ${limit} steps to render (hydrate's bound for an ApplicationSet from a pull request)`,
      active
    ),
    work
  )
}

/** Charges the running execution (nothing outside one). */
export function charge(units: number): void {
  active?.charge(units)
}

/** Shallow size of a value: string length, list length or map key count. */
export function sizeOf(value: GoValue): number {
  if (typeof value === 'string') return value.length
  if (Array.isArray(value)) return value.length * LIMITS.elementWeight
  if (typeof value === 'object' && value !== null && !(value instanceof GoInt))
    return Object.keys(value).length * LIMITS.elementWeight
  return 0
}

/**
 * Visits every node of a value before something walks it (copy, compare, merge, encode,
 * print): each node visited is charged, so shared structure cannot multiply the work, and a
 * value that contains itself, or nests past the bound, is refused before any recursion.
 */
export function walkValue(root: GoValue): void {
  const path = new Set<object>()
  const stack: { node: object; children: GoValue[]; next: number }[] = []
  const enter = (value: GoValue): void => {
    charge(1)
    if (typeof value !== 'object' || value === null || value instanceof GoInt) return
    if (path.has(value))
      throw new TemplateRefusedError(
        'template value contains itself (a cycle, as `set $d "k" $d` makes): hydrate refuses to walk it'
      )
    if (stack.length >= LIMITS.valueDepth)
      throw new TemplateRefusedError(
        `template value nests deeper than ${LIMITS.valueDepth} (hydrate's bound for a template from a pull request)`
      )
    path.add(value)
    stack.push({
      node: value,
      children: Array.isArray(value) ? value : Object.values(value),
      next: 0
    })
  }
  enter(root)
  for (let top = stack.at(-1); top; top = stack.at(-1)) {
    if (top.next < top.children.length) enter(top.children[top.next++])
    else {
      stack.pop()
      path.delete(top.node)
    }
  }
}
