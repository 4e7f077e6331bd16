import { describe, expect, it } from '@jest/globals'
import type { GoMap, GoValue } from '../../src/manifests/argoValue.js'
import { encodeArgoDocument } from '../../src/manifests/argoYaml.js'
import { parseManifests } from '../../src/manifests/parse.js'
import {
  assertValuesIntact,
  decodeArgoDocument,
  ValueChangedError
} from '../../src/manifests/valuesIntact.js'
import { prng } from '../helpers/random.js'

/** Strings go-yaml v3 writes as a literal block that drops the first line break (go-yaml issue 76). */
const LEADING_BREAKS = [
  '\nfirst line\n',
  '\n',
  '\n\n',
  '\nx',
  '\n\nx\n',
  '\r\nx',
  '\u2028x\n',
  '\u0085x',
  ' \nx',
  '\n x\n'
]

const configMap = (data: GoMap): GoMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'values' },
  data
})

describe('every value reads back from manifest.yaml as it was rendered', () => {
  it('writes strings with a leading line break in a form that keeps it', () => {
    const data = Object.fromEntries(LEADING_BREAKS.map((s, i) => [`k${i}`, s]))
    const rendered = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: values}\ndata:\n${LEADING_BREAKS.map((s, i) => `  k${i}: ${JSON.stringify(s)}`).join('\n')}\n`
    const [resource] = parseManifests(rendered, 'web').resources
    expect(resource?.object.data).toEqual(data)
    expect(decodeArgoDocument(resource?.yaml ?? '')).toEqual(configMap(data))
    expect(resource?.yaml).toContain('  k0: "\\nfirst line\\n"\n')
    expect(resource?.yaml).toContain('  k1: "\\n"\n')
    // A break later in the string keeps Argo CD's literal block.
    expect(
      parseManifests(rendered.replace('\\nfirst line', 'first\\nline'), 'web').resources[0]?.yaml
    ).toContain('  k0: |\n    first\n    line\n')
  })

  it('fails closed, naming the field and not the value, when a document would read back changed', () => {
    const value = configMap({ password: '\nS3cret-value\n' })
    // What go-yaml v3 writes for it: the first line break is lost.
    const goBytes =
      'apiVersion: v1\ndata:\n  password: |2\n    S3cret-value\nkind: ConfigMap\nmetadata:\n  name: values\n'
    const check = () => assertValuesIntact('web', 'ConfigMap values', value, goBytes)
    expect(check).toThrow(ValueChangedError)
    expect(check).toThrow(
      'target web: ConfigMap values: data.password (a string of 14 characters, read back as a string of 13 characters) would change in manifest.yaml; this is a bug'
    )
    expect(() => check()).not.toThrow(/S3cret/)
    expect(() =>
      assertValuesIntact('web', 'ConfigMap values', value, encodeArgoDocument(value))
    ).not.toThrow()
  })

  it('property: random objects encode and decode to the same objects', () => {
    const next = prng(25)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
    const fragments = [
      ...['\n', '\n\n', '\r\n', '\r', ' ', '  ', '\t', '\u00A0', '\u0085', '\u2028', '\u2029'],
      ...['yes', 'on', 'no', 'off', 'y', 'N', '0x1', '1e3', '~', 'null', '0644', '1:20', '.5'],
      ...['2001-12-14', '-', '- ', ':', ': ', '#', ' #', '"', "'", '|', '>', '*', '&', '!', '%'],
      ...['@', '`', '?', ',', '[', ']', '{', '}', '\\', 'a', 'word', '😀', '中文', 'é', '\u200B'],
      ...['\uFEFF', '\u0001', '\u001b', '---', '...', 'x'.repeat(90)]
    ]
    const text = () =>
      Array.from({ length: Math.floor(next() * 7) }, () => pick(fragments)).join('')
    const atom = (): GoValue => {
      const r = next()
      if (r < 0.7) return text()
      if (r < 0.8) return BigInt(Math.floor((next() - 0.5) * 2 ** 40))
      if (r < 0.9) return (next() - 0.5) * 10 ** Math.floor(next() * 30 - 15)
      return pick([null, true, false, {}, []] as GoValue[])
    }
    const value = (depth: number): GoValue => {
      const r = next()
      if (depth >= 8 || r < 0.4) return atom()
      const size = Math.floor(next() * 4)
      if (r < 0.65) return Array.from({ length: size }, () => value(depth + 1))
      const map: GoMap = Object.create(null) as GoMap
      for (let i = 0; i < size; i++) map[text()] = value(depth + 1)
      return map
    }
    let strings = 0
    for (let i = 0; i < 1000; i++) {
      const object: GoMap = { apiVersion: 'v1', kind: 'Fuzz', metadata: { name: `fuzz-${i}` } }
      for (let k = 0; k < 4; k++) object[text()] = value(1)
      const yaml = encodeArgoDocument(object)
      let back: GoValue
      try {
        back = decodeArgoDocument(yaml)
      } catch (error) {
        throw new Error(`object ${i} does not read back: ${String(error)}\n${yaml}`)
      }
      if (canonical(back) !== canonical(object))
        throw new Error(
          `object ${i} reads back changed:\n${escapeAll(canonical(object))}\n${escapeAll(canonical(back))}\n${escapeAll(yaml)}`
        )
      strings += yaml.length
    }
    expect(strings).toBeGreaterThan(60_000)
  })
})

/** JSON with keys sorted and bigints marked, so an int and a float never compare equal. */
function canonical(value: GoValue): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return `${item}n`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item
    const entries = Object.entries(item as Record<string, unknown>)
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  })
}

/** Every character outside printable ASCII as an escape, so a failure shows what differs. */
function escapeAll(text: string): string {
  return text.replace(/[^\x20-\x7e\n]/gu, c => `\\u{${c.codePointAt(0)?.toString(16)}}`)
}
