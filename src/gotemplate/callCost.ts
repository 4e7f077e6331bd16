import { charge } from './budget.js'
import { sizeOf, walkValue } from './valueWalk.js'
import { LIMITS } from './limits.js'
import type { GoValue } from './values.js'

// What a function call costs the budget: one step, plus the size of what it takes and gives
// (a 1 MB string or a 100000-element list is work however few nodes spelled the call). The
// functions that walk a whole value (copy, merge, encode, print) visit it first; deepEqual
// visits its own (Go takes a value as equal to itself without looking).

const WALKERS = new Set([
  'deepCopy',
  'mustDeepCopy',
  'merge',
  'mustMerge',
  'mergeOverwrite',
  'mustMergeOverwrite',
  'toJson',
  'mustToJson',
  'toPrettyJson',
  'mustToPrettyJson',
  'toRawJson',
  'mustToRawJson',
  'toYaml',
  'print',
  'printf',
  'println',
  'html',
  'js',
  'urlquery',
  'toString',
  'toStrings',
  'cat',
  'quote',
  'squote',
  'join',
  'sortAlpha',
  'fail'
])

/** Per-character work measured at ~100 ns a character: charged 1 step per 8 characters. */
const SLOW_PER_CHARACTER = new Set(['title', 'untitle', 'camelcase'])

export function chargeArguments(name: string, args: readonly GoValue[]): void {
  let size = 0
  for (const arg of args) size += sizeOf(arg)
  charge(1 + size / (SLOW_PER_CHARACTER.has(name) ? 8 : LIMITS.bytesPerStep))
  if (WALKERS.has(name)) for (const arg of args) walkValue(arg)
}

export function chargeResult(result: GoValue): void {
  charge(sizeOf(result) / LIMITS.bytesPerStep)
}
