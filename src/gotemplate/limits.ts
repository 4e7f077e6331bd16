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
  listLength: 100_000
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
