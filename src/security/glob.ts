import { RE2JS } from '@bufbuild/re2'
import { braceExpand } from 'minimatch'
import { UsageError } from '../errors.js'

// Globs a user or a pull request writes, matched in linear time: each is translated to RE2
// syntax and run by RE2 (no backtracking), so `*a*a*…*b` costs what its length costs.
// Two dialects: minimatch's (discovery excludes, `--target`, ApplicationSet git patterns)
// and Argo CD's glob.Match (`directory.include`/`exclude`: `*` crosses `/`).

/** A glob that cannot be matched: too many brace alternatives, an extglob, a broken class. */
export class GlobError extends UsageError {}

/** More brace alternatives than this is not a pattern a person writes. */
const BRACE_LIMIT = 1024

export interface GlobOptions {
  /** Wildcards also match names that start with `.` (never `.` and `..`). */
  dot?: boolean
  /** `**` is two `*`, not any number of directories. */
  noglobstar?: boolean
  /** `{a,b}` is literal text. */
  nobrace?: boolean
  /** A leading `!` is literal text, not a negation. */
  nonegate?: boolean
  /** A leading `#` is literal text, not a comment. */
  nocomment?: boolean
  /** `+(a|b)` and the other extglobs are literal text (else they are refused). */
  noext?: boolean
}

/** RE2 syntax for one literal character. */
const literal = (c: string) => (/[A-Za-z0-9]/.test(c) || c.charCodeAt(0) > 127 ? c : `\\${c}`)

/**
 * A bracket expression starting at `pattern[start]` (`[`): its RE2 class and the index after
 * it, or undefined when it is not closed (then `[` is literal). Never matches `/` (minimatch)
 * unless `crossesSlash` (Argo CD's glob has no separator).
 */
function bracket(
  pattern: string,
  start: number,
  crossesSlash: boolean
): { re: string; end: number } | undefined {
  let i = start + 1
  let negate = false
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true
    i++
  }
  let body = ''
  let first = true
  for (; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === ']' && !first) {
      if (body === '') return undefined
      const slash = crossesSlash ? '' : '/'
      return { re: negate ? `[^${slash}${body}]` : `(?:[${body}])`, end: i + 1 }
    }
    first = false
    const posix = /^\[:([a-z]+):\]/.exec(pattern.slice(i))
    if (posix) {
      body += `[:${posix[1]}:]`
      i += posix[0].length - 1
    } else if (c === '\\' && i + 1 < pattern.length) body += literal(pattern[++i] as string)
    else if (c === '-' && body !== '' && pattern[i + 1] !== ']') body += '-'
    else body += literal(c)
  }
  return undefined
}

function compile(source: string, pattern: string): RE2JS {
  try {
    return new RE2JS(source)
  } catch (error) {
    throw new GlobError(
      `glob ${JSON.stringify(pattern)} cannot be matched: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

type Segment =
  | { kind: 'globstar' }
  | { kind: 'literal'; text: string }
  | { kind: 'magic'; re: RE2JS; explicitDot: boolean }

/** One path segment of a minimatch pattern (braces already expanded). */
function segment(text: string, pattern: string, options: GlobOptions): Segment {
  if (text === '**' && !options.noglobstar) return { kind: 'globstar' }
  let re = ''
  let plain = ''
  let magic = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '*') {
      magic = true
      re += '[^/]*'
      while (text[i + 1] === '*') i++
    } else if (c === '?') {
      magic = true
      re += '[^/]'
    } else if (c === '[') {
      const cls = bracket(text, i, false)
      if (cls) {
        magic = true
        re += cls.re
        i = cls.end - 1
      } else {
        re += '\\['
        plain += '['
      }
    } else if (c === '\\' && i + 1 < text.length) {
      plain += text[i + 1]
      re += literal(text[++i] as string)
    } else {
      plain += c
      re += literal(c)
    }
  }
  if (!magic) return { kind: 'literal', text: plain }
  return { kind: 'magic', re: compile(re, pattern), explicitDot: text.startsWith('.') }
}

/** minimatch's rule for a name starting with `.`: only a pattern starting with `.` matches it, or `dot`; a wildcard never matches `.` or `..`. */
function dotAllowed(name: string, explicitDot: boolean, options: GlobOptions): boolean {
  if (name === '.' || name === '..') return false
  return !name.startsWith('.') || explicitDot || !!options.dot
}

function segmentMatches(seg: Segment, name: string, options: GlobOptions): boolean {
  if (seg.kind === 'literal') return seg.text === name
  if (seg.kind === 'globstar') return dotAllowed(name, false, options)
  return name !== '' && dotAllowed(name, seg.explicitDot, options) && seg.re.testExact(name)
}

/**
 * Segments against a path's names, `**` as any number of names (one at least when it ends
 * the pattern, as minimatch has it): a table over (pattern position, name position), each
 * cell computed once. A trailing `/` on the path may be left over.
 */
function matchSegments(segs: readonly Segment[], names: readonly string[], options: GlobOptions) {
  // reach[j]: the pattern segments so far can consume the first j names.
  let reach = Array.from({ length: names.length + 1 }, (_, j) => j === 0)
  segs.forEach((seg, i) => {
    const next = new Array<boolean>(names.length + 1).fill(false)
    const last = i === segs.length - 1
    for (let j = 0; j <= names.length; j++) {
      const name = names[j - 1] as string
      if (seg.kind === 'globstar')
        next[j] =
          (!last && !!reach[j]) ||
          (j > 0 && (!!reach[j - 1] || !!next[j - 1]) && segmentMatches(seg, name, options))
      else if (j > 0 && reach[j - 1]) next[j] = segmentMatches(seg, name, options)
    }
    reach = next
  })
  const n = names.length
  return !!reach[n] || (n > 1 && names[n - 1] === '' && !!reach[n - 1])
}

/** A path's names as minimatch sees them: `a//b` is `a/b`; a leading or trailing `/` stays. */
function namesOf(path: string): string[] {
  const parts = path.split('/')
  return parts.filter((name, i) => name !== '' || i === 0 || i === parts.length - 1)
}

/** A minimatch-compatible matcher (the options this project uses) that never backtracks. */
export function compileGlob(pattern: string, options: GlobOptions = {}): (path: string) => boolean {
  if (pattern.startsWith('#') && !options.nocomment) return () => false
  let body = pattern
  let negated = false
  while (body.startsWith('!') && !options.nonegate) {
    negated = !negated
    body = body.slice(1)
  }
  const expanded = options.nobrace ? [body] : braceExpand(body, { braceExpandMax: BRACE_LIMIT + 1 })
  if (!options.noext && /[+@!?*]\(/.test(body))
    throw new GlobError(
      `glob ${JSON.stringify(pattern)} uses an extended glob (+(…), @(…), !(…), ?(…), *(…)), which is not supported: use {a,b} alternatives`
    )
  if (expanded.length > BRACE_LIMIT)
    throw new GlobError(
      `glob ${JSON.stringify(pattern)} expands to more than ${BRACE_LIMIT} alternatives`
    )
  const alternatives = expanded.map(p => namesOf(p).map(s => segment(s, pattern, options)))
  return (path: string) => {
    const names = namesOf(path)
    const hit = alternatives.some(segs => matchSegments(segs, names, options))
    return negated ? !hit : hit
  }
}

/**
 * Argo CD's glob.Match (gobwas/glob without separators): `*` and `**` match any text, `/`
 * included; `?` one character; `[…]`/`[!…]` classes; `{a,b}` alternatives; `\` escapes.
 */
export function compileArgoGlob(pattern: string): (path: string) => boolean {
  let source = '(?s)'
  let depth = 0
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') {
      source += '.*'
      while (pattern[i + 1] === '*') i++
    } else if (c === '?') source += '.'
    else if (c === '{') {
      source += '(?:'
      depth++
    } else if (c === '}' && depth > 0) {
      source += ')'
      depth--
    } else if (c === ',' && depth > 0) source += '|'
    else if (c === '[') {
      const cls = bracket(pattern, i, true)
      if (cls) {
        source += cls.re
        i = cls.end - 1
      } else source += '\\['
    } else if (c === '\\' && i + 1 < pattern.length) source += literal(pattern[++i] as string)
    else source += literal(c)
  }
  source += ')'.repeat(depth)
  const re = compile(source, pattern)
  return (path: string) => re.testExact(path)
}
