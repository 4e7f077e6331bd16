// How `git ls-files -- <pattern>` selects files, which is what the ApplicationSet git files
// generator runs (util/git/client.go LsFiles, the default without new globbing): wildmatch
// without WM_PATHNAME, so `*` and `?` also match `/` (`clusters/*/config.yaml` finds
// `clusters/deep/x/config.yaml`), `[…]` classes (`!` or `^` negates); a pattern without
// wildcards also names every file below that directory. Matching keeps the last `*` only
// (no backtracking beyond it): time is length × length at worst, whatever the pattern.

const WILDCARD = /[*?[\\]/

export function gitPathspecMatches(pattern: string, file: string): boolean {
  if (!WILDCARD.test(pattern))
    return file === pattern || file.startsWith(`${pattern.replace(/\/+$/, '')}/`)
  return wildmatch(pattern, file)
}

function wildmatch(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let starP = -1
  let starT = 0
  while (t < text.length) {
    const c = pattern[p]
    if (c === '*') {
      while (pattern[p] === '*') p++
      starP = p
      starT = t
      continue
    }
    const step = c === undefined ? undefined : single(pattern, p, text[t] as string)
    if (step !== undefined) {
      p = step
      t++
      continue
    }
    if (starP === -1) return false
    p = starP
    t = ++starT
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

/** The pattern position after one element matching `ch`, or undefined. */
function single(pattern: string, p: number, ch: string): number | undefined {
  const c = pattern[p] as string
  if (c === '?') return p + 1
  if (c === '\\' && p + 1 < pattern.length) return pattern[p + 1] === ch ? p + 2 : undefined
  if (c === '[') {
    const end = classEnd(pattern, p)
    if (end === undefined) return c === ch ? p + 1 : undefined
    return classMatches(pattern.slice(p + 1, end), ch) ? end + 1 : undefined
  }
  return c === ch ? p + 1 : undefined
}

function classEnd(pattern: string, open: number): number | undefined {
  let i = open + 1
  if (pattern[i] === '!' || pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  for (; i < pattern.length; i++) if (pattern[i] === ']') return i
  return undefined
}

function classMatches(body: string, ch: string): boolean {
  const negated = body[0] === '!' || body[0] === '^'
  const items = negated ? body.slice(1) : body
  let matched = false
  for (let i = 0; i < items.length; i++) {
    const from = items[i] as string
    if (items[i + 1] === '-' && i + 2 < items.length) {
      const to = items[i + 2] as string
      if (ch >= from && ch <= to) matched = true
      i += 2
    } else if (from === ch) matched = true
  }
  return matched !== negated
}
