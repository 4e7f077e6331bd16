import { RE2JS } from '@bufbuild/re2'
import { TemplateRefusedError } from './errors.js'
import { LIMITS, refuseOver } from './limits.js'
import { charge } from './budget.js'

// Leftmost-first matches with submatch positions, as Go's regexp finds them, in linear time:
// a Pike VM over the program @bufbuild/re2 compiles (RE2 syntax, Go's). The package itself
// answers match or no match only.

const ALT = 1
const ALT_MATCH = 2
const CAPTURE = 3
const EMPTY_WIDTH = 4
const MATCH = 6
const NOP = 7

interface Inst {
  op: number
  out: number
  arg: number
  matchRune(r: number): boolean
}
interface Program {
  inst: Inst[]
  start: number
}

export interface CompiledRegex {
  program: Program
  /** Capture groups, the whole match included. */
  groups: number
  names: Map<string, number>
}

/** regexp.Compile: Go's error text for a pattern RE2 rejects. */
export function compileRegex(pattern: string): CompiledRegex {
  let re: RE2JS
  try {
    re = new RE2JS(pattern)
  } catch (error) {
    throw new Error((error as Error).message)
  }
  const re2 = re.re2Input as unknown as {
    prog: Program
    numSubexp: number
    namedGroups: Map<string, number>
  }
  return { program: re2.prog, groups: re2.numSubexp + 1, names: re2.namedGroups }
}

const isWordChar = (r: number) =>
  (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || r === 0x5f

/** syntax.EmptyOpContext between runes r1 and r2 (-1 beyond the text). */
function context(r1: number, r2: number): number {
  let op = 0x20
  let boundary = 0
  if (isWordChar(r1)) boundary = 1
  else if (r1 === 0x0a) op |= 0x01
  else if (r1 < 0) op |= 0x04 | 0x01
  if (isWordChar(r2)) boundary ^= 1
  else if (r2 === 0x0a) op |= 0x02
  else if (r2 < 0) op |= 0x08 | 0x02
  if (boundary !== 0) op ^= 0x10 | 0x20
  return op
}

/** Thread steps one regex function call may take, over all its searches. */
const REGEX_WORK = LIMITS.steps * 50
export interface RegexBudget {
  left: number
}
export const newBudget = (): RegexBudget => ({ left: REGEX_WORK })

interface Thread {
  pc: number
  caps: number[]
}

/**
 * The leftmost-first match at or after rune `from` of `runes`: [start, end, group1 start,
 * group1 end, …] in rune indexes (-1 for a group that did not take part), or undefined.
 */
export function findAt(
  regex: CompiledRegex,
  runes: readonly number[],
  from: number,
  budget: RegexBudget = newBudget()
): number[] | undefined {
  const { program, groups } = regex
  refuseOver('regex work (text × program)', runes.length * program.inst.length, REGEX_WORK)
  let current: Thread[] = []
  let matched: number[] | undefined
  for (let pos = from; pos <= runes.length; pos++) {
    const flags = context(
      pos > 0 ? (runes[pos - 1] as number) : -1,
      pos < runes.length ? (runes[pos] as number) : -1
    )
    const seen = new Set<number>()
    const add = (list: Thread[], pc: number, caps: number[]): void => {
      if (seen.has(pc)) return
      seen.add(pc)
      const inst = program.inst[pc] as Inst
      switch (inst.op) {
        case ALT:
        case ALT_MATCH:
          add(list, inst.out, caps)
          add(list, inst.arg, caps)
          return
        case NOP:
          add(list, inst.out, caps)
          return
        case CAPTURE: {
          const next = [...caps]
          if (inst.arg < groups * 2) next[inst.arg] = pos
          add(list, inst.out, next)
          return
        }
        case EMPTY_WIDTH:
          if ((inst.arg & ~flags) === 0) add(list, inst.out, caps)
          return
        default:
          list.push({ pc, caps })
      }
    }
    // Threads carried over are expanded at this position, in priority order.
    const runnable: Thread[] = []
    for (const thread of current) add(runnable, thread.pc, thread.caps)
    if (matched === undefined) {
      const caps = new Array<number>(groups * 2).fill(-1)
      caps[0] = pos
      add(runnable, program.start, caps)
    }
    if (runnable.length === 0 && matched !== undefined) break
    budget.left -= runnable.length + 1
    charge((runnable.length + 1) / LIMITS.regexStepsPerStep)
    if (budget.left < 0)
      throw new TemplateRefusedError(
        `template regex work is over hydrate's limit of ${REGEX_WORK} steps (a template from a pull request must stay cheap to render)`
      )
    const next: Thread[] = []
    const r = pos < runes.length ? (runes[pos] as number) : -1
    for (const thread of runnable) {
      const inst = program.inst[thread.pc] as Inst
      if (inst.op === MATCH) {
        matched = [...thread.caps]
        matched[1] = pos
        break
      }
      if (r >= 0 && inst.op >= 8 && inst.matchRune(r))
        next.push({ pc: inst.out, caps: thread.caps })
    }
    current = next
    if (current.length === 0 && matched !== undefined) break
  }
  return matched
}
