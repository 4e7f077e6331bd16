import { fixed, type GoFunc } from './funcs.js'
import { compileRegex, findAt } from './sprigRegexVm.js'

// Sprig's semverCompare: Masterminds/semver v3.4's (Argo CD v3.5's; helm 3.18 has v3.3) NewConstraint, NewVersion and Check, with
// its own regexes run by Go's rules (regexVm.ts). `semver` returns an object with methods,
// which templates here do not model: it stays refused.

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`
const VERSION = compileRegex(
  String.raw`^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$`
)
const CONSTRAINT = compileRegex(String.raw`^\s*(${OPS})\s*(${CV})\s*$`)
const RANGE = compileRegex(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`)
const FIND = compileRegex(String.raw`(${OPS})\s*(${CV})`)
const VALID = compileRegex(
  String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`
)

type Regex = ReturnType<typeof compileRegex>

/** FindAllStringSubmatch: each match's groups as strings ("" for one that did not take part). */
function findAll(regex: Regex, text: string): string[][] {
  const runes = [...text].map(c => c.codePointAt(0) as number)
  const out: string[][] = []
  let pos = 0
  let prevEnd = -1
  while (pos <= runes.length) {
    const m = findAt(regex, runes, pos)
    if (!m) break
    const [start, end] = m as [number, number]
    if (end === pos) pos++
    else pos = end
    if (!(end === start && start === prevEnd))
      out.push(
        Array.from({ length: m.length / 2 }, (_, i) =>
          (m[2 * i] as number) < 0
            ? ''
            : String.fromCodePoint(...runes.slice(m[2 * i], m[2 * i + 1]))
        )
      )
    prevEnd = end
  }
  return out
}

interface Version {
  major: bigint
  minor: bigint
  patch: bigint
  pre: string
  text: string
}

const UINT64 = 2n ** 64n
function segment(digits: string): bigint {
  const n = BigInt(digits)
  if (n >= UINT64)
    throw new Error(
      `error parsing version segment: strconv.ParseUint: parsing "${digits}": value out of range`
    )
  return n
}

function newVersion(text: string): Version {
  const m = findAll(VERSION, text)[0]
  if (!m) throw new Error('invalid semantic version')
  const pre = m[5] ?? ''
  for (const part of pre ? pre.split('.') : []) {
    if (/^[0-9]+$/.test(part)) {
      if (part.length > 1 && part.startsWith('0')) throw new Error('version segment starts with 0')
    } else if (!/^[0-9A-Za-z-]+$/.test(part)) throw new Error('invalid prerelease string')
  }
  return {
    major: segment(m[1] as string),
    minor: m[2] ? segment((m[2] as string).slice(1)) : 0n,
    patch: m[3] ? segment((m[3] as string).slice(1)) : 0n,
    pre,
    text
  }
}

function comparePart(s: string, o: string): number {
  if (s === o) return 0
  if (s === '') return o !== '' ? -1 : 1
  if (o === '') return s !== '' ? 1 : -1
  const sNum = /^[0-9]+$/.test(s)
  const oNum = /^[0-9]+$/.test(o)
  if (!sNum && !oNum) return s > o ? 1 : -1
  if (!oNum) return -1
  if (!sNum) return 1
  return BigInt(s) > BigInt(o) ? 1 : -1
}

function compare(v: Version, o: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const)
    if (v[key] !== o[key]) return v[key] > o[key] ? 1 : -1
  if (v.pre === '' && o.pre === '') return 0
  if (v.pre === '') return 1
  if (o.pre === '') return -1
  const a = v.pre.split('.')
  const b = o.pre.split('.')
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = comparePart(a[i] ?? '', b[i] ?? '')
    if (d !== 0) return d
  }
  return 0
}

interface Constraint {
  con: Version
  op: string
  dirty: boolean
  minorDirty: boolean
  patchDirty: boolean
}

const isX = (s: string) => s === 'x' || s === '*' || s === 'X'

function parseConstraint(text: string): Constraint {
  const m = findAll(CONSTRAINT, text)[0]
  if (!m) throw new Error(`improper constraint: ${JSON.stringify(text)}`)
  const [, op = '', , major = '', minor = '', patch = '', , pre = ''] = m
  let version = m[2] as string
  let dirty = false
  let minorDirty = false
  let patchDirty = false
  if (isX(major) || major === '') {
    version = `0.0.0${pre}`
    dirty = true
  } else if (isX(minor.replace(/^\./, '')) || minor === '') {
    minorDirty = dirty = true
    version = `${major}.0.0${pre}`
  } else if (isX(patch.replace(/^\./, '')) || patch === '') {
    patchDirty = dirty = true
    version = `${major}${minor}.0${pre}`
  }
  let con: Version
  try {
    con = newVersion(version)
  } catch {
    throw new Error('constraint parser error')
  }
  return { con, op, dirty, minorDirty, patchDirty }
}

function tilde(v: Version, c: Constraint): boolean {
  if (compare(v, c.con) < 0) return false
  if (
    c.con.major === 0n &&
    c.con.minor === 0n &&
    c.con.patch === 0n &&
    !c.minorDirty &&
    !c.patchDirty
  )
    return true
  if (v.major !== c.con.major) return false
  return !(v.minor !== c.con.minor && !c.minorDirty)
}

function check(v: Version, c: Constraint): boolean {
  const { con } = c
  if (v.pre !== '' && con.pre === '') return false
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compare(v, con) === 0
    case '!=':
      if (c.dirty) {
        if (con.major !== v.major) return true
        if (con.minor !== v.minor && !c.minorDirty) return true
        if (c.minorDirty) return false
        if (con.patch !== v.patch && !c.patchDirty) return true
        if (c.patchDirty)
          return (
            (v.pre !== '' || con.pre !== '') &&
            compare(
              { ...v, major: 0n, minor: 0n, patch: 0n },
              { ...con, major: 0n, minor: 0n, patch: 0n }
            ) !== 0
          )
      }
      return compare(v, con) !== 0
    case '>':
      if (!c.dirty || (!c.minorDirty && !c.patchDirty && v.major === con.major))
        return compare(v, con) === 1
      if (v.major !== con.major) return v.major > con.major
      return c.minorDirty ? false : v.minor > con.minor
    case '<':
      return compare(v, con) < 0
    case '>=':
    case '=>':
      return compare(v, con) >= 0
    case '<=':
    case '=<':
      if (!c.dirty) return compare(v, con) <= 0
      if (v.major > con.major) return false
      return !(v.major === con.major && v.minor > con.minor && !c.minorDirty)
    case '~':
    case '~>':
      return tilde(v, c)
    default:
      // ^
      if (compare(v, con) < 0) return false
      if (con.major > 0n || c.minorDirty) return v.major === con.major
      if (v.major > 0n) return false
      if (con.minor > 0n || c.patchDirty) return v.minor === con.minor
      if (v.minor > 0n) return false
      return con.patch === v.patch
  }
}

function semverCompare(constraint: string, version: string): boolean {
  let text = constraint
  for (const m of findAll(RANGE, constraint))
    text = text.replace(m[0] as string, `>= ${m[1]}, <= ${m[11]}`)
  const ors = text.split('||').map(part => {
    if (findAll(VALID, part).length === 0)
      throw new Error(`improper constraint: ${JSON.stringify(part)}`)
    const found = findAll(FIND, part).map(m => m[0] as string)
    return (found.length ? found : [part]).map(parseConstraint)
  })
  const v = newVersion(version)
  return ors.some(and => and.every(c => check(v, c)))
}

export const SEMVER_FUNCS: Record<string, GoFunc> = {
  semverCompare: fixed(['string', 'string'], semverCompare)
}
