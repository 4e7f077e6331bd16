/**
 * What yaml.v3's emitter decides for one scalar or key, ported from emitterc.go
 * (yaml_emitter_analyze_scalar, the double-quoted escapes) and sorter.go (keyList.Less).
 * The emitter that uses them is argoYaml.ts.
 */

import type { GoMap } from './argoValue.js'

export interface Analysis {
  multiline: boolean
  blockPlainAllowed: boolean
  singleQuotedAllowed: boolean
  blockAllowed: boolean
}

export function isBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029'
}

/** libyaml's is_printable on UTF-8: no C0/C1 controls, no BOM, nothing beyond the BMP. */
export function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  )
}

const FIRST_INDICATORS = new Set('#,[]{}&*!|>\'"%@`')

/** yaml_emitter_analyze_scalar: which styles can carry the value unchanged. */
export function analyze(value: string): Analysis {
  if (value === '')
    return {
      multiline: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false
    }
  const chars = Array.from(value)
  let indicators = value.startsWith('---') || value.startsWith('...')
  let lineBreaks = false
  let special = false
  let tabs = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let previousSpace = false
  let previousBreak = false
  let precededByWhitespace = true
  chars.forEach((c, i) => {
    const next = chars[i + 1]
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t'
    if (i === 0) {
      if (FIRST_INDICATORS.has(c)) indicators = true
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) indicators = true
    } else if ((c === ':' && followedByWhitespace) || (c === '#' && precededByWhitespace)) {
      indicators = true
    }
    if (c === '\t') tabs = true
    else if (!isPrintable(c)) special = true
    const last = i === chars.length - 1
    if (c === ' ') {
      if (i === 0) leadingSpace = true
      if (last) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreak(c)) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (last) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    precededByWhitespace = c === ' ' || c === '\t' || c === '\0' || isBreak(c)
  })
  const edges = leadingSpace || leadingBreak || trailingSpace || trailingBreak
  return {
    multiline: lineBreaks,
    blockPlainAllowed:
      !edges && !breakSpace && !spaceBreak && !tabs && !special && !lineBreaks && !indicators,
    singleQuotedAllowed: !breakSpace && !spaceBreak && !tabs && !special,
    blockAllowed: !trailingSpace && !spaceBreak && !special
  }
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P'
}

export function escape(c: string): string {
  const cp = c.codePointAt(0) ?? 0
  const named = ESCAPES[cp]
  if (named !== undefined) return `\\${named}`
  const hex = cp.toString(16).toUpperCase()
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`
  return `\\U${hex.padStart(8, '0')}`
}

const LETTER = /^\p{L}$/u
const DIGIT = /^\p{Nd}$/u
const isLetter = (c: string): boolean =>
  c < '\x80' ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') : LETTER.test(c)
const isDigit = (c: string): boolean => (c < '\x80' ? c >= '0' && c <= '9' : DIGIT.test(c))
const codePoint = (c: string): number => c.codePointAt(0) ?? 0

/** sorter.go keyList.Less for string keys: digit runs compare as numbers, letters first. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a)
  const br = Array.from(b)
  let digits = false
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ca = ar[i] as string
    const cb = br[i] as string
    if (ca === cb) {
      digits = isDigit(ca)
      continue
    }
    const al = isLetter(ca)
    const bl = isLetter(cb)
    if (al && bl) return codePoint(ca) < codePoint(cb)
    if (al || bl) return digits ? al : bl
    // Digit runs as int64 (wrapping, as Go's does on overflow).
    let an = 0n
    let bn = 0n
    if (ca === '0' || cb === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1n
          bn = 1n
          break
        }
      }
    }
    let ai = i
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++)
      an = BigInt.asIntN(64, an * 10n + BigInt(codePoint(ar[ai] as string) - 48))
    let bi = i
    for (; bi < br.length && isDigit(br[bi] as string); bi++)
      bn = BigInt.asIntN(64, bn * 10n + BigInt(codePoint(br[bi] as string) - 48))
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return codePoint(ca) < codePoint(cb)
  }
  return ar.length < br.length
}

export function sortedKeys(map: GoMap): string[] {
  return Object.keys(map).sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0))
}
