import type { CelFunc, CelValue } from '@bufbuild/cel'
import { BOOL, func, INT, kindMethod, MAP, STRING } from './kinds.js'
import { kinded, payload } from './values.js'

interface Version {
  core: [bigint, bigint, bigint]
  pre: string[]
}

const FORM =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

export function parseSemver(text: string): Version | undefined {
  const m = FORM.exec(text)
  if (!m) return undefined
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre: m[4] ? m[4].split('.') : [] }
}

/** Semantic Versioning 2.0 precedence (build metadata ignored). */
export function compareSemver(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i]! < b.core[i]! ? -1 : 1
  if (a.pre.length === 0 || b.pre.length === 0) return Math.sign(b.pre.length - a.pre.length)
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i]!, b.pre[i]!]
    if (x === y) continue
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)]
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1 : 1
    if (nx !== ny) return nx ? -1 : 1
    return x < y ? -1 : 1
  }
  return Math.sign(a.pre.length - b.pre.length)
}

const version = (value: CelValue) => parseSemver(payload(value, 'semver') as string)!
const part = (index: number) =>
  function (this: CelValue) {
    return version(this).core[index]!
  }

/** Kubernetes' semver library. */
export const semverFuncs: CelFunc[] = [
  func('semver', [STRING], MAP, (text: string) => {
    if (!parseSemver(text)) throw new Error(`invalid semver: ${text}`)
    return kinded('semver', text)
  }),
  func('isSemver', [STRING], BOOL, (text: string) => parseSemver(text) !== undefined),
  kindMethod('semver', 'major', [], INT, part(0)),
  kindMethod('semver', 'minor', [], INT, part(1)),
  kindMethod('semver', 'patch', [], INT, part(2)),
  kindMethod('semver', 'isGreaterThan', [MAP], BOOL, function (this: CelValue, other: CelValue) {
    return compareSemver(version(this), version(other)) > 0
  }),
  kindMethod('semver', 'isLessThan', [MAP], BOOL, function (this: CelValue, other: CelValue) {
    return compareSemver(version(this), version(other)) < 0
  }),
  kindMethod('semver', 'compareTo', [MAP], INT, function (this: CelValue, other: CelValue) {
    return BigInt(compareSemver(version(this), version(other)))
  })
]
