import { charge } from './budget.js'
import { LIMITS } from './limits.js'

// Go sorts strings by their UTF-8 bytes (map keys in fmtsort, sort.Strings). UTF-16 code
// units order the same way unless a surrogate is involved, so only such lists pay for
// encoding. The sort is charged to the template's budget by its comparisons (n·log₂n).

const SURROGATE = /[\uD800-\uDFFF]/

const byUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Go compares strings byte by byte (UTF-8), not by UTF-16 code units. */
export function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Sorts in place, in Go's order. */
export function sortGoStrings(list: string[]): string[] {
  charge((list.length * Math.log2(list.length + 1)) / LIMITS.comparisonsPerStep)
  return list.sort(list.some(s => SURROGATE.test(s)) ? compareStrings : byUnits)
}
