import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { targetDependencies } from '../src/targets/dependencyIndex.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import { ManifestError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { toArgoValue, type GoMap, type GoValue } from '../src/manifests/argoValue.js'
import { encodeArgoDocument, joinArgoDocuments } from '../src/manifests/argoYaml.js'
import { parseManifests, serializeManifests } from '../src/manifests/parse.js'
import { renderRaw } from '../src/render/index.js'
import { ChartCache } from '../src/render/chartCache.js'
import { Toolbox } from '../src/render/tools.js'
import {
  generate,
  KEY_ATOMS,
  NUMBER_ATOMS,
  OTHER_ATOMS,
  random,
  STRING_ATOMS
} from './helpers/argoCorpus.js'
import { argoReference, buildArgoReference, goJson } from './helpers/argoReference.js'
import { cleanupTempDirs, CORPUS, EXAMPLE_REPO, makeRepo, tempDir } from './helpers/repo.js'
import { HELM4, KUBECTL, toolEnv } from './helpers/tools.js'

let bin = ''
const size = { objects: 0, bytes: 0 }

beforeAll(() => {
  bin = buildArgoReference()
})
afterAll(() => {
  console.log(
    `manifest.yaml compared with the Go reference: ${size.objects} objects, ${size.bytes} bytes`
  )
  cleanupTempDirs()
})

/** Byte equality, failing with the first differing line in context rather than two blobs. */
function expectSameBytes(ours: string, theirs: string, objects: number): void {
  size.objects += objects
  size.bytes += Buffer.byteLength(theirs)
  if (ours === theirs) return
  const a = ours.split('\n')
  const b = theirs.split('\n')
  let line = 0
  while (a[line] === b[line]) line++
  const context = (lines: string[]) =>
    lines
      .slice(Math.max(0, line - 6), line + 3)
      .map(l => JSON.stringify(l))
      .join('\n')
  throw new Error(
    `first difference at line ${line + 1}\n--- ours\n${context(a)}\n--- yaml.v3\n${context(b)}`
  )
}

/**
 * Strings written differently from yaml.v3 on purpose (docs/adr/0006): a leading line break
 * (yaml.v3 drops it, go-yaml issue 76) or a YAML 1.1-only break (NEL, LS, PS) unescaped.
 */
const DELIBERATE = /^[\n\r\u0085\u2028\u2029]|[\u0085\u2028\u2029]/

/** The value with such strings (keys too) made ordinary, so every other byte is compared. */
function agreed(value: GoValue): GoValue {
  const fix = (s: string) =>
    DELIBERATE.test(s) ? `x${s.replace(/[\u0085\u2028\u2029]/g, '\n')}` : s
  if (typeof value === 'string') return fix(value)
  if (Array.isArray(value)) return value.map(agreed)
  if (value === null || typeof value !== 'object') return value
  const out: GoMap = Object.create(null) as GoMap
  for (const [key, item] of Object.entries(value)) out[fix(key)] = agreed(item)
  return out
}

/** Values as the hydrator holds them → ours vs the Go encoder fed the same JSON. */
function compareValues(values: unknown[]): string {
  const objects = values.map(v => agreed(toArgoValue(v)))
  const ours = joinArgoDocuments(objects.map(encodeArgoDocument))
  expectSameBytes(ours, argoReference(bin, objects.map(goJson).join('\n'), 'json'), objects.length)
  return ours
}

/** Rendered YAML → ours (parse + serialize) vs Argo's repo server + hydrator in Go. */
function compareRendered(text: string): void {
  const { resources, problems } = parseManifests(text, 'reference')
  expect(problems).toEqual([])
  expectSameBytes(serializeManifests(resources), argoReference(bin, text, 'yaml'), resources.length)
}

function object(name: string, fields: GoMap): GoMap {
  return { apiVersion: 'v1', kind: 'Edge', metadata: { name }, ...fields }
}

describe('manifest.yaml is byte for byte what Argo CD writes (Go yaml.v3 reference)', () => {
  it('on edge-case strings, keys, numbers and shapes', () => {
    const byKey = (list: GoValue[]) => Object.fromEntries(list.map((v, i) => [`k${i}`, v]))
    const ours = compareValues([
      object('strings', { list: STRING_ATOMS, map: byKey(STRING_ATOMS) }),
      object('nested', { deep: [[STRING_ATOMS], [{ a: [byKey(STRING_ATOMS)] }]] }),
      object('keys', { map: Object.fromEntries(KEY_ATOMS.map((k, i) => [k, i % 2 ? k : []])) }),
      object('numbers', { list: NUMBER_ATOMS, map: byKey(NUMBER_ATOMS) }),
      object('shapes', { list: OTHER_ATOMS, map: byKey(OTHER_ATOMS), empty: {}, none: [] })
    ])
    // A few of the rules, spelled out.
    for (const line of [
      '  - "yes"',
      '  - "0644"',
      '  - "1:20"',
      '  - "2001-12-14"',
      "  - '*x'",
      '  - "emoji \\U0001F600"',
      '  - |-\n    a\n    b',
      '  - 1e+21',
      '  - 9007199254740993',
      '  - 9.223372036854776e+18',
      '  "on": []'
    ])
      expect(ours).toContain(`\n${line}\n`)
  })

  it('on 250 seeded random objects', () => {
    compareValues(generate(random(12), 250))
  })

  it('reads what rendered YAML means as Kubernetes does (sigs.k8s.io/yaml, YAML 1.1)', () => {
    const plain = [
      ...['yes', 'No', 'on', 'OFF', 'y', 'N', 'True', '~', 'null', '', '0644', '0o17', '0x1F'],
      ...['0X1F', '0b101', '1e3', '1_000', '+1', '.5', '1.', '1.0', '-0.0', '08', '1:20'],
      ...['12:30:00', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10'],
      ...['2002-02-30', '1e400', '9223372036854775807', '9223372036854775808', '1e21', '1e-7'],
      ...['-9223372036854775809', '18446744073709551616', '0xFFFFFFFFFFFFFFFF', '1e20'],
      ...['0x1FFFFFFFFFFFFFFFF', '9007199254740993', '100000000000000000000.0', '0.5', '<<']
    ]
    // Keys that stay distinct as JSON keys (`1e3` and `1_000` would both be "1000", and
    // which one Kubernetes keeps is up to Go's map order). No null, `<<` or uint64 keys:
    // Kubernetes refuses them. No -0.0: a JS Map holds it as 0 (Kubernetes writes "-0").
    const keys = [
      ...['yes', 'No', '0644', '0o17', '0x1F', '0b101', '1e3', '+1', '.5', '08', '1:20'],
      ...['12:30:00', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2002-02-30', '1e400'],
      ...['9223372036854775807', '-9223372036854775809', '18446744073709551616', '1e21', '1e-7'],
      ...['1e20', '0x1FFFFFFFFFFFFFFFF', '9007199254740993', '123456789.5', '3.14159265358979']
    ]
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: lookalikes',
      'plain:',
      ...plain.map(s => `  - ${s}`),
      'quoted:',
      ...plain.map(s => `  - ${JSON.stringify(s)}`),
      'keys:',
      ...keys.map((s, i) => `  ${s}: ${i}`),
      'anchors:',
      '  base: &base {a: 1, b: [x, y]}',
      '  copy: *base',
      '  merged:',
      '    <<: *base',
      '    c: 3',
      'blocks:',
      '  literal: |',
      '    line one',
      '      indented',
      '  folded: >-',
      '    folded',
      '    text',
      '  keep: |+',
      '    kept',
      '',
      ''
    ].join('\n')
    compareRendered(text)
    // What we rely on: `yes` is a boolean, `0644` octal and `1:20` a string, as in Kubernetes.
    const [resource] = parseManifests(text, 't').resources
    const list = resource?.object.plain as unknown[]
    const read = (s: string) => list[plain.indexOf(s)]
    expect(['yes', '0644', '0o17', '1:20', '2001-12-14'].map(read)).toEqual([
      true,
      420,
      15,
      '1:20',
      '2001-12-14'
    ])
  })

  it('writes the strings yaml.v3 would corrupt so that Kubernetes reads them back intact', () => {
    // No NEL: go-yaml v2 reads even its escape `\N` as a space (docs/adr/0006).
    const strings = ['\nfirst line\n', '\n', '\n\nx', '\r\nx', '\u2028x\n', 'a\u2029', ' \u2028x']
    const value = toArgoValue({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
      data: Object.fromEntries(strings.map((v, i) => [`k${i}`, v]))
    })
    const theirs = argoReference(bin, goJson(value), 'json')
    const ours = encodeArgoDocument(value)
    expect(ours).not.toBe(theirs)
    expect(theirs).toContain('  k0: |2\n    first line\n')
    expect(ours).toContain('  k0: "\\nfirst line\\n"\n')
    // Read by Go (sigs.k8s.io/yaml, as Kubernetes reads manifest.yaml) and written again:
    // yaml.v3's own bytes lose the break, ours give back the value.
    expect(argoReference(bin, theirs, 'yaml')).not.toBe(theirs)
    expect(argoReference(bin, ours, 'yaml')).toBe(theirs)
    expect(parseManifests(ours, 'web').resources[0]?.object.data).toEqual(
      Object.fromEntries(strings.map((v, i) => [`k${i}`, v]))
    )
  })

  it('refuses values that have no JSON form, as Kubernetes does', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: .inf}\n'
    expect(() => parseManifests(text, 'web')).toThrow(ManifestError)
    expect(() => parseManifests(text, 'web')).toThrow(/document 1 \(ConfigMap a\): data\.x/)
    const nullKey = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {~: x}\n'
    expect(() => parseManifests(nullKey, 'web')).toThrow(/document 1: data: the key null/)
  })
})

const podinfo = path.join(CORPUS, 'podinfo')
const describeCorpus = fs.existsSync(podinfo) ? describe : describe.skip
describeCorpus(
  `podinfo corpus${fs.existsSync(podinfo) ? '' : ' (skipped: ../shared/corpus is absent in this clone)'}`,
  () => {
    const env = toolEnv(HELM4)
    const run = (file: string, args: string[], cwd: string) =>
      execFileSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    let dir = ''
    beforeAll(() => {
      dir = tempDir()
      fs.cpSync(podinfo, dir, { recursive: true })
    })

    it.each([
      ['default values', []],
      ['values-prod.yaml', ['--values', 'charts/podinfo/values-prod.yaml']]
    ])('helm template with %s', (_title, values) => {
      compareRendered(
        run(
          HELM4,
          ['template', 'podinfo', 'charts/podinfo', '--namespace', 'podinfo', ...values],
          dir
        )
      )
    })

    it('kustomize', () => {
      compareRendered(run(KUBECTL, ['kustomize', 'kustomize'], dir))
    })
  }
)

describe('example repository', () => {
  it('every target, rendered by the engine', async () => {
    const repo = makeRepo({ from: EXAMPLE_REPO })
    const logger = new MemoryLogger()
    const toolbox = new Toolbox(logger, toolEnv())
    const context = {
      repoRoot: repo,
      timeoutMs: 120_000,
      tempDir: tempDir(),
      env: toolEnv(),
      extraEnv: {},
      kustomizations: new Map(),
      chartCache: new ChartCache(tempDir())
    }
    const { targets } = loadConfig(repo)
    expect(targets.length).toBeGreaterThan(0)
    for (const target of targets) {
      const deps = targetDependencies(repo, target, context.kustomizations)
      compareRendered((await renderRaw(target, context, toolbox, deps)).text)
    }
  })
})
