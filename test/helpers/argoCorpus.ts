/** Edge cases for the manifest encoder: scalars, keys and shapes yaml.v3 treats specially. */
import type { GoMap, GoValue } from '../../src/manifests/argoValue.js'

const INDICATORS = ['*', '&', '!', '%', '@', '`', '|', '>', "'", '"', '#', '-', '?', ':', ',', '[', ']', '{', '}'] // prettier-ignore

/** Strings that are or look like something else to YAML 1.1/1.2 readers. */
export const STRING_ATOMS: string[] = [
  ...['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'True', 'NO', 'Yes', 'OFF', 'true', 'false'],
  ...['null', 'Null', 'NULL', '~', '<<', '=', '.inf', '-.Inf', '.nan', '.NaN', '.', '..'],
  ...['0644', '0o17', '0x1F', '0X1F', '0b101', '-0b101', '1e3', '1E3', '1_000', '+1', '-1', '.5'],
  ...['+.5', '1.', '1.0', '-0.0', '08', '09.5', '1e400', '1e-400', '0x', '0o', '1__0', '+_1'],
  ...['1:20', '-1:20', '12:30:00', '190:20:30.15', '1:2:3', '12:60'],
  ...['2001-12-14', '2001-12-14T21:59:43.10Z', '2001-12-14t21:59:43.10-05:00'],
  ...['2001-12-14 21:59:43.10', '2001-12-14  21:59:43', '2002-02-30', '2000-02-29', '2001-13-01'],
  ...['2001-12-14T21:59:43', '2001-1-2', '20011214', '2001-12-14T25:00:00Z'],
  ...['9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551616'],
  ...['', ' ', '  ', '\t', 'a ', ' a', 'a\tb', '\ta', 'a\t'],
  ...INDICATORS.flatMap(c => [c, `${c}x`, `${c} x`, `x${c}`, `x${c}y`, `x ${c}y`]),
  ...['a: b', 'a:b', 'a #b', 'a#b', 'http://example.com/a?b=c#d', 'key=value', 'a, b'],
  ...['---', '...', '--- x', '... x', '- ', '-1x', '-.', '--', 'a ---', '\\', 'C:\\path'],
  ...['emoji 😀', '😀', '中文字符', 'עברית', 'مرحبا', 'a\u00A0b', '\u00A0', 'zero\u200Bwidth'],
  ...['\uFEFFbom', 'a\uFEFF', 'é', 'Ω', '\u{10FFFF}', '\uE000', '\uFFFD', '\uFFFE'],
  ...['\u0001', 'a\u0007b', '\u007F', 'a\u0085b', 'a\u2028b', 'a\u2029', '\u001b[0m', '\0'],
  ...['x'.repeat(250), 'word '.repeat(60).trim(), `${'y'.repeat(130)} ${'z'.repeat(130)}`],
  ...['a\nb', 'a\nb\n', ' lead\nb', '  lead\nb\n', 'a\n\n\n', 'a\r\nb\r\n', 'a\rb', 'a \nb'],
  ...['a\n b', '\n', '\n\n', '\na', 'a\n\tb', 'a\n', 'trailing \n', '#!/bin/sh\necho "# x"\n'],
  ...['- a\n- b\n', 'key: value\nother: 1\n', 'a\n\n  b\n', '\u00A0\nb', 'a\u2028\nb', '😀\nb'],
  ...['line\u0085next\n', 'tab\there\nnext\n', "it's\nquoted\n", '"q"\n']
]

/** Keys for the sort order and for keys that must be quoted. */
export const KEY_ATOMS: string[] = [
  ...['on', 'yes', 'y', '1', '10', '2', '01', '001', '1.5', '0x1F', '-1', '~', 'null', ''],
  ...['a: b', 'a10', 'a2', 'a01', 'a1', 'a001', 'A', '_x', 'Z', 'z', 'é', 'Ω', '1a', 'a1b'],
  ...['a-b', 'a_b', 'a.b', 'a/b', 'b', 'B', '-', '? x', '*', '#x', 'a b', ' a', 'a '],
  ...['x9', 'x10', 'x09', 'x0', 'x00', '9x', '10x', '中', '😀', 'k\u0663', 'k٣', 'a\nb'],
  ...['k'.repeat(128), 'k'.repeat(129), 'é'.repeat(64), 'é'.repeat(65), '99999999999999999999'],
  ...['app.kubernetes.io/name', 'helm.sh/chart', 'kind', 'apiVersion', 'metadata', 'spec']
]

/** int64 and float64 as the hydrator holds them. */
export const NUMBER_ATOMS: GoValue[] = [
  ...[0n, 1n, -1n, 420n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 8080n],
  ...[0.5, -1.5, 1e21, 1e-7, 1e20, 2 ** 63, -(2 ** 63), 2 ** 62, -(2 ** 62) - 2048],
  ...[123456.789, 1234567.5, 1e-5, 0.0001, 0.1, 1 / 3, 5e-324, 1.7976931348623157e308]
]

export const OTHER_ATOMS: GoValue[] = [null, true, false, {}, [], [[]], [{}], [[1n, [2n]], []]]

/** mulberry32: a small seeded generator, so a failure reproduces. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FRAGMENTS = [
  ...[' ', '  ', '\n', '\t', 'a', 'word', 'yes', '1', '0', '.', ':', ': ', ' #', '#', '-'],
  ...['- ', '"', "'", '\\', '*', '&', '!', '|', '>', '%', '@', '`', '?', ',', '[', ']', '{'],
  ...['}', '😀', '中', '\u00A0', '\u200B', '\u2028', '\r\n', '\u0001', 'é', 'x'.repeat(40)]
]

export function generate(next: () => number, count: number): GoMap[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const text = (): string =>
    Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(FRAGMENTS)).join('')
  const number = (): GoValue =>
    next() < 0.5
      ? BigInt.asIntN(
          64,
          BigInt(Math.floor(next() * 2 ** 32)) * BigInt(Math.floor(next() * 2 ** 32))
        )
      : (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20)
  const atom = (): GoValue => {
    const r = next()
    if (r < 0.45) return pick(STRING_ATOMS)
    if (r < 0.7) return text()
    if (r < 0.85) return next() < 0.5 ? pick(NUMBER_ATOMS) : number()
    return structuredClone(pick(OTHER_ATOMS))
  }
  const value = (depth: number): GoValue => {
    const r = next()
    if (depth >= 4 || r < 0.5) return atom()
    const size = Math.floor(next() * 5)
    if (r < 0.75) return Array.from({ length: size }, () => value(depth + 1))
    const map: GoMap = {}
    for (let i = 0; i < size; i++) map[next() < 0.6 ? pick(KEY_ATOMS) : text()] = value(depth + 1)
    return map
  }
  return Array.from({ length: count }, (_, i) => {
    const object: GoMap = {}
    for (let k = 0; k < 1 + Math.floor(next() * 6); k++)
      object[next() < 0.6 ? pick(KEY_ATOMS) : text()] = value(1)
    return { ...object, apiVersion: 'v1', kind: 'Fuzz', metadata: { name: `fuzz-${i}` } }
  })
}
