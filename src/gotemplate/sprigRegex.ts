import { fixed, type GoFunc } from './funcs.js'
import { checkSize, LIMITS, refuseOver } from './limits.js'
import { typed } from './values.js'
import { compileRegex, type CompiledRegex, findAt, newBudget } from './sprigRegexVm.js'

// Sprig's regex functions (regex.go) over Go's regexp semantics: FindAllString's rule for
// empty matches, ReplaceAllString's `$1`/`${name}` expansion, Split. The plain forms panic on
// a bad pattern (MustCompile), the must forms return the error; both read
// `error calling name: …` in the template's error.

const runesOf = (s: string) => [...s].map(c => c.codePointAt(0) as number)
const text = (runes: readonly number[], from: number, to: number) =>
  String.fromCodePoint(...runes.slice(from, to))

/** Go's quote() in MustCompile's panic: backquoted when it can be. */
const canBackquote = (s: string) =>
  [...s].every(c => c !== '`' && c !== '\uFEFF' && (c === '\t' || (c >= ' ' && c !== '\x7f')))
const goQuoted = (s: string) => (canBackquote(s) ? `\`${s}\`` : JSON.stringify(s))

function mustCompile(pattern: string): CompiledRegex {
  try {
    return compileRegex(pattern)
  } catch (error) {
    throw new Error(`regexp: Compile(${goQuoted(pattern)}): ${(error as Error).message}`)
  }
}

/** allMatches: each leftmost-first match, no empty match right after the previous one. */
function allMatches(regex: CompiledRegex, runes: readonly number[], n: number): number[][] {
  const out: number[][] = []
  const limit = n < 0 ? runes.length + 1 : n
  let pos = 0
  let prevEnd = -1
  const budget = newBudget()
  while (out.length < limit && pos <= runes.length) {
    const match = findAt(regex, runes, pos, budget)
    if (!match) break
    let accept = true
    const [start, end] = match as [number, number]
    if (end === pos) {
      if (start === prevEnd) accept = false
      pos++
    } else pos = end
    prevEnd = end
    if (accept) out.push(match)
    refuseOver('list length', out.length, LIMITS.listLength)
  }
  return out
}

/** Regexp.Expand of a ReplaceAllString template. */
function expand(
  template: string,
  regex: CompiledRegex,
  runes: readonly number[],
  match: number[]
): string {
  const group = (name: string): string => {
    const index = /^[0-9]+$/.test(name) ? Number(name) : regex.names.get(name)
    if (index === undefined || index >= regex.groups) return ''
    const [a, b] = [match[2 * index] as number, match[2 * index + 1] as number]
    return a < 0 ? '' : text(runes, a, b)
  }
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))?/g,
    (whole, body?: string, braced?: string, bare?: string) => {
      if (body === '$') return '$'
      if (braced !== undefined) return group(braced)
      if (bare !== undefined) return group(bare)
      return whole
    }
  )
}

function replaceAll(
  pattern: string,
  s: string,
  repl: (regex: CompiledRegex, runes: number[], m: number[]) => string,
  compile: (p: string) => CompiledRegex
): string {
  const regex = compile(pattern)
  const runes = runesOf(s)
  let out = ''
  let lastEnd = 0
  let search = 0
  const budget = newBudget()
  while (search <= runes.length) {
    const match = findAt(regex, runes, search, budget)
    if (!match) break
    const [start, end] = match as [number, number]
    out += text(runes, lastEnd, start)
    if (end > lastEnd || start === 0) out += repl(regex, runes, match)
    checkSize('regex replace output', out.length)
    lastEnd = end
    search = search + 1 > end ? search + 1 : end
  }
  return out + text(runes, lastEnd, runes.length)
}

function split(regex: CompiledRegex, s: string, n: number): string[] {
  if (n === 0) return []
  const runes = runesOf(s)
  if (s === '') return ['']
  const parts: string[] = []
  let begin = 0
  let end = 0
  for (const [start, stop] of allMatches(regex, runes, n) as [number, number][]) {
    if (n > 0 && parts.length === n - 1) break
    end = start
    if (stop !== 0) parts.push(text(runes, begin, end))
    begin = stop
  }
  if (end !== runes.length) parts.push(text(runes, begin, runes.length))
  return parts
}

const strings = (list: string[]) => typed(list, '[]string')

const forms = (compile: (p: string) => CompiledRegex) => ({
  findAll: fixed(['string', 'string', 'int'], (p: string, s: string, n: bigint) => {
    const runes = runesOf(s)
    return strings(
      allMatches(compile(p), runes, Number(n)).map(([a, b]) =>
        text(runes, a as number, b as number)
      )
    )
  }),
  find: fixed(['string', 'string'], (p: string, s: string) => {
    const runes = runesOf(s)
    const match = findAt(compile(p), runes, 0)
    return match ? text(runes, match[0] as number, match[1] as number) : ''
  }),
  replace: fixed(['string', 'string', 'string'], (p: string, s: string, r: string) =>
    replaceAll(p, s, (regex, runes, m) => expand(r, regex, runes, m), compile)
  ),
  literal: fixed(['string', 'string', 'string'], (p: string, s: string, r: string) =>
    replaceAll(p, s, () => r, compile)
  ),
  split: fixed(['string', 'string', 'int'], (p: string, s: string, n: bigint) =>
    strings(split(compile(p), s, Number(n)))
  )
})

const plain = forms(mustCompile)
const must = forms(compileRegex)

export const REGEX_FUNCS: Record<string, GoFunc> = {
  regexFindAll: plain.findAll,
  mustRegexFindAll: must.findAll,
  regexFind: plain.find,
  mustRegexFind: must.find,
  regexReplaceAll: plain.replace,
  mustRegexReplaceAll: must.replace,
  regexReplaceAllLiteral: plain.literal,
  mustRegexReplaceAllLiteral: must.literal,
  regexSplit: plain.split,
  mustRegexSplit: must.split
}
