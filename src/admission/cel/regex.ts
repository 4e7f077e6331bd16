import { RE2JS } from '@bufbuild/re2'
import { celList, listType, type CelFunc } from '@bufbuild/cel'
import { chargeActive } from './budget.js'
import { BOOL, INT, func, method, STRING } from './kinds.js'

type Input = Parameters<RE2JS['re2Input']['executeEngine']>[0]

const ANCHOR_START = 1
const ANCHOR_BOTH = 2
const cache = new Map<string, RE2JS>()

/** Compiles a pattern with RE2 (Go's syntax, linear time); the last 256 are kept. */
export function compileRe2(pattern: string): RE2JS {
  let compiled = cache.get(pattern)
  if (!compiled) {
    compiled = RE2JS.compile(pattern)
    if (cache.size >= 256) cache.delete(cache.keys().next().value!)
    cache.set(pattern, compiled)
  }
  return compiled
}

/**
 * RE2JS's engine answers yes or no, at a position, over a span of the text; its input type
 * is not exported, so one probe match hands us the constructor.
 */
let InputType: (new (text: string, start?: number, end?: number) => Input) | undefined
function inputOf(text: string, end = text.length): Input {
  if (!InputType) {
    const probe = RE2JS.compile('x')
    const engine = probe.re2Input
    const execute = engine.executeEngine.bind(engine)
    engine.executeEngine = (input, ...rest) => {
      InputType = input.constructor as typeof InputType
      return execute(input, ...rest)
    }
    probe.testExact('x')
    if (!InputType) throw new Error('internal: RE2 input type not found')
  }
  return new InputType(text, 0, end)
}

const LAZY = /(\*\?|\+\?|\?\?|\}\?|\(\?[a-z]*U)/

/**
 * Matches of `pattern` in `text` from the left, at most `limit` (negative: all). Each
 * starts where the leftmost match starts; its end is the longest there (the shortest for
 * a lazy pattern), the same as Go's leftmost-first except where an earlier alternative is
 * a prefix of a later one. Quadratic in the text at worst: callers charge for it.
 */
export function findMatches(text: string, pattern: string, limit = -1): string[] {
  const compiled = compileRe2(pattern)
  const engine = compiled.re2Input
  if (!compiled.test(text)) return []
  const lazy = LAZY.test(pattern)
  const whole = inputOf(text)
  const found: string[] = []
  let pos = 0
  let lastEnd = -1
  while (pos <= text.length && (limit < 0 || found.length < limit)) {
    let start = pos
    while (start <= text.length && !engine.executeEngine(whole, start, ANCHOR_START, 0)) start++
    if (start > text.length) break
    const ends = Array.from({ length: text.length - start + 1 }, (_, i) => start + i)
    const end = (lazy ? ends : ends.reverse()).find(
      e => engine.executeEngine(inputOf(text, e), start, ANCHOR_BOTH, 0) !== null
    )!
    // An empty match right after the previous one is skipped, as Go's FindAll does.
    if (!(start === end && start === lastEnd)) found.push(text.slice(start, end))
    lastEnd = end
    pos = end > start ? end : end + 1
  }
  return found
}

export const regexFuncs: CelFunc[] = [
  method('matches', STRING, [STRING], BOOL, function (this: string, pattern: string) {
    return compileRe2(pattern).test(this)
  }),
  func('matches', [STRING, STRING], BOOL, (text: string, pattern: string) =>
    compileRe2(pattern).test(text)
  ),
  method('find', STRING, [STRING], STRING, function (this: string, pattern: string) {
    chargeActive(this.length ** 2 / 100)
    return findMatches(this, pattern, 1)[0] ?? ''
  }),
  method('findAll', STRING, [STRING], listType(STRING), function (this: string, pattern: string) {
    chargeActive(this.length ** 2 / 100)
    return celList(findMatches(this, pattern))
  }),
  method(
    'findAll',
    STRING,
    [STRING, INT],
    listType(STRING),
    function (this: string, pattern: string, n: bigint) {
      chargeActive(this.length ** 2 / 100)
      return celList(n === 0n ? [] : findMatches(this, pattern, Number(n)))
    }
  )
]
