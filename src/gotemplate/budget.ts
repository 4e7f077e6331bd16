import { TemplateRefusedError } from './errors.js'
import { LIMITS } from './limits.js'

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
