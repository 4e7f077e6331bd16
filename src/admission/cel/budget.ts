import {
  celFunc,
  CelScalar,
  isCelList,
  isCelMap,
  type CelEnv,
  type CelList,
  type CelMap,
  type CelResult,
  type CelValue
} from '@bufbuild/cel'

/**
 * A cost budget for one evaluation, as Kubernetes bounds each expression: @bufbuild/cel has
 * none, so every function call costs 1 plus a tenth of the size of its strings, lists and
 * maps (arguments and result), and every comprehension step costs 1 (a step counter is
 * added to each loop's condition; an exhausted budget ends the loop at once).
 */
export class CostBudget {
  spent = 0
  exceeded = false
  constructor(readonly limit: number) {}

  charge(cost: number): boolean {
    this.spent += cost
    if (this.spent > this.limit) this.exceeded = true
    return !this.exceeded
  }
}

/** Kubernetes' runtime cost limit for one expression. */
export const DEFAULT_COST_LIMIT = 1_000_000

let active: CostBudget | undefined

/** Runs `evaluate` with `budget` charged by every call and step inside it. */
export function withBudget<T>(budget: CostBudget, evaluate: () => T): T {
  const outer = active
  active = budget
  try {
    return evaluate()
  } finally {
    active = outer
  }
}

/** Charges work a function does beyond its arguments' size (a quadratic search). */
export function chargeActive(cost: number): void {
  if (active && !active.charge(cost)) throw new BudgetExceededError(active.limit)
}

export class BudgetExceededError extends Error {
  constructor(limit: number) {
    super(`the expression exceeded its cost budget (${limit}) and was stopped`)
  }
}

/** Deep sizes of the lists and maps seen, by identity: a value shared many times is walked once. */
const deepSizes = new WeakMap<object, number>()

function knownSize(value: unknown): number | undefined {
  if (typeof value === 'string' || value instanceof Uint8Array) return value.length
  if (isCelList(value) || isCelMap(value)) return deepSizes.get(value)
  return 0
}

/**
 * The characters of strings and the entries of lists and maps at every depth: a function
 * walks what it compares or formats whole, and `cel.bind` makes a list of ten references to
 * a list of ten references … cheap to build, exponential to walk. Each distinct list or map
 * is counted once (memoized), so the count itself costs only what was built.
 */
function sizeOf(value: CelValue | undefined): number {
  const known = knownSize(value)
  if (known !== undefined) return known
  // Children are listed once per node: a wrapped list may hand out new wrappers each time.
  const pending: Array<{ node: CelList | CelMap; children: unknown[]; next: number; sum: number }> =
    []
  const enter = (node: CelList | CelMap) =>
    pending.push({
      node,
      children: isCelList(node) ? [...node] : [...node.keys(), ...node.values()],
      next: 0,
      sum: node.size
    })
  enter(value as CelList | CelMap)
  let last = 0
  while (pending.length > 0) {
    const top = pending[pending.length - 1] as (typeof pending)[number]
    if (top.next < top.children.length) {
      const child = top.children[top.next++]
      const size = knownSize(child)
      if (size !== undefined) top.sum += size
      else enter(child as CelList | CelMap) // added to top.sum when its walk returns
      continue
    }
    deepSizes.set(top.node, top.sum)
    last = top.sum
    pending.pop()
    const parent = pending[pending.length - 1]
    if (parent) parent.sum += last
  }
  return last
}

/** The function the instrumented AST calls on each comprehension step. */
export const STEP_FUNCTION = '@budget.step'
export const stepFunc = celFunc(STEP_FUNCTION, [], CelScalar.BOOL, () =>
  active ? active.charge(1) : true
)

/** `env` with every function charged to the active budget. */
export function chargedEnv(env: CelEnv): CelEnv {
  const groups = new Map<string, unknown>()
  const funcs = {
    [Symbol.iterator]: () => env.funcs[Symbol.iterator](),
    find(name: string) {
      const group = env.funcs.find(name)
      if (!group) return undefined
      let charged = groups.get(name)
      if (!charged) {
        charged = {
          name,
          [Symbol.iterator]: () => group[Symbol.iterator](),
          call(id: number, target: CelValue | undefined, args: CelValue[]): CelResult | undefined {
            const budget = active
            if (!budget) return group.call(id, target, args)
            const input = args.reduce<number>((sum, arg) => sum + sizeOf(arg), sizeOf(target))
            if (!budget.charge(1 + input / 10)) throw new BudgetExceededError(budget.limit)
            const result = group.call(id, target, args)
            if (!budget.charge(sizeOf(result as CelValue) / 10))
              throw new BudgetExceededError(budget.limit)
            return result
          }
        }
        groups.set(name, charged)
      }
      return charged
    }
  }
  return {
    [Symbol.for('@bufbuild/cel/env')]: {},
    namespace: env.namespace,
    registry: env.registry,
    variables: env.variables,
    funcs
  } as unknown as CelEnv
}
