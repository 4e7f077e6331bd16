import { TemplateRefusedError } from './errors.js'

// The work one template may do. An ApplicationSet can come from a pull request: these bound
// what its templates cost (Go's own bound is a template depth of 100000 and nothing else).

export const LIMITS = {
  /** Nodes evaluated by one template execution. */
  steps: 200_000,
  /** Bytes one template execution (or one function result) may produce. */
  outputBytes: 1 << 20,
  /** Nested parentheses and if/range/with blocks in one template. */
  nesting: 200,
  /** Nested `template` calls. */
  depth: 64,
  /** Elements a list function (until, seq, repeat count, chunk) may produce. */
  listLength: 100_000,
  /** Template text of one string, in bytes. */
  textBytes: 64 * 1024,
  /** Nested lists and maps a copy, compare, merge, encode or print walks. */
  valueDepth: 1000,
  /** One ApplicationSet's templates, all strings and parameter sets, in per-string bounds. */
  applicationSetFactor: 20,
  /** A list element or map key counts as this many characters in a function call's size. */
  elementWeight: 4,
  /**
   * A function call's arguments and result: one step per this many characters. String
   * functions cost 50–350 ns a character (snakecase, b32enc, urlquery, quote measured on
   * 1 MB): at 16 a string's budget buys well under a second of them.
   */
  bytesPerStep: 16,
  /** Regex VM thread steps per template step. */
  regexStepsPerStep: 4,
  /** String comparisons of a sort (sortAlpha, map keys) per template step. */
  comparisonsPerStep: 8
} as const

export function refuseOver(what: string, size: number, limit: number): void {
  if (size > limit)
    throw new TemplateRefusedError(
      `template ${what} ${size} is over hydrate's limit of ${limit} (a template from a pull request must stay cheap to render)`
    )
}

/**
 * A guard for nested parentheses and if/range/with blocks while parsing: Go stops at 10000; a
 * deeper tree would overflow our stack first, so a pull request's template is bounded lower.
 */
export function nesting(): <T>(inner: () => T) => T {
  let depth = 0
  return <T>(inner: () => T): T => {
    if (++depth > LIMITS.nesting)
      throw new TemplateRefusedError(
        `template nests expressions and blocks deeper than ${LIMITS.nesting} (hydrate's bound for a template from a pull request)`
      )
    try {
      return inner()
    } finally {
      depth--
    }
  }
}

/** A string being built past the output bound: refused before it grows further. */
export function checkSize(what: string, length: number): void {
  if (length > LIMITS.outputBytes)
    throw new TemplateRefusedError(
      `template ${what} is over ${LIMITS.outputBytes} bytes (a template from a pull request must stay cheap to render)`
    )
}
