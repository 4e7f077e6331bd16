import { afterAll, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../src/engine/loadConfig.js'
import { RenderError } from '../src/errors.js'
import { InputGuard } from '../src/render/inputGuard.js'
import { goFoldName, parseKustomization } from '../src/sources/kustomizationFields.js'
import { targetDependencies } from '../src/targets/dependencyIndex.js'
import { prng } from './helpers/random.js'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'

afterAll(cleanupTempDirs)

/**
 * kustomize decodes kustomizations with Go's encoding/json: a key names a field whatever its
 * letter case (and `ſ` is an `s`, `K` a `k`). For every field the index and the input guard
 * read, the same kustomization with the key spelled otherwise must be indexed and guarded
 * exactly as the plain spelling.
 */
const random = prng(20261207)

/** `name` in another spelling Go's encoding/json still matches to it. */
function respell(name: string): string {
  let out = ''
  for (const c of name) {
    const r = random()
    if (c === 's' && r < 0.3) out += '\u017f'
    else if (c === 'k' && r < 0.3) out += '\u212a'
    else out += r < 0.5 ? c.toUpperCase() : c.toLowerCase()
  }
  return out === name ? name.toUpperCase() : out
}

type Write = (key: (field: string) => string, ref: string) => string

/** Every field that names a file: how to write it with `ref` (repo-relative from apps/app). */
const FIELDS: Array<[string, Write]> = [
  ...['resources', 'bases', 'components', 'crds', 'configurations', 'patchesStrategicMerge'].map(
    (field): [string, Write] => [field, (k, ref) => `${k(field)}: [${ref}]\n`]
  ),
  ...['patches', 'patchesJson6902', 'replacements'].map((field): [string, Write] => [
    `${field}[].path`,
    (k, ref) => `${k(field)}:\n  - ${k('path')}: ${ref}\n`
  ]),
  ['openapi.path', (k, ref) => `${k('openapi')}:\n  path: ${ref}\n`],
  ...['configMapGenerator', 'secretGenerator'].flatMap(gen =>
    (['files', 'envs'] as const).map((field): [string, Write] => [
      `${gen}[].${field}`,
      (k, ref) =>
        `${k(gen)}:\n  - ${k('name')}: x\n    ${k(field)}: [${field === 'files' ? `key=${ref}` : ref}]\n`
    ])
  ),
  [
    'configMapGenerator[].env',
    (k, ref) => `${k('configMapGenerator')}:\n  - ${k('env')}: ${ref}\n`
  ],
  [
    'helmCharts[].valuesFile',
    (k, ref) => `${k('helmCharts')}:\n  - ${k('name')}: c\n    ${k('valuesFile')}: ${ref}\n`
  ],
  [
    'helmCharts[].additionalValuesFiles',
    (k, ref) =>
      `${k('helmCharts')}:\n  - ${k('name')}: c\n    ${k('additionalValuesFiles')}: [${ref}]\n`
  ],
  [
    'helmChartInflationGenerator[].values',
    (k, ref) =>
      `${k('helmChartInflationGenerator')}:\n  - ${k('chartName')}: c\n    ${k('values')}: ${ref}\n`
  ],
  ...['generators', 'transformers', 'validators'].flatMap(field => [
    [field, (k: (f: string) => string, ref: string) => `${k(field)}: [${ref}]\n`] as [
      string,
      Write
    ],
    [
      `${field} (inline plugin config files)`,
      (k: (f: string) => string, ref: string) =>
        `${k(field)}:\n  - |\n    apiVersion: builtin\n    kind: ConfigMapGenerator\n    metadata: {name: x}\n    ${k('files')}: [${ref}]\n`
    ] as [string, Write]
  ])
]

function setUp(kustomization: string) {
  const repo = makeRepo({
    files: {
      'hydrate.yaml': 'version: 1\ntargets:\n  - { name: app, env: prod, source: apps/app }\n',
      'apps/app/kustomization.yaml': kustomization,
      'apps/app/named.yaml': 'a: b\n'
    }
  })
  const target = loadConfig(repo).targets[0]!
  const deps = targetDependencies(repo, target)
  const guard = () => new InputGuard(repo, target).check(deps)
  return { deps, guard }
}

function refusal(guard: () => void): string | undefined {
  try {
    guard()
    return undefined
  } catch (error) {
    if (!(error instanceof RenderError)) throw error
    return error.message
  }
}

describe('kustomization fields in any letter case', () => {
  it.each(FIELDS)('%s: indexed and guarded in any spelling', (_field, write) => {
    for (let round = 0; round < 3; round++) {
      const plain = setUp(write(f => f, 'named.yaml'))
      const spelled = setUp(write(respell, 'named.yaml'))
      expect(plain.deps.files.has('apps/app/named.yaml')).toBe(true)
      expect({ round, indexed: spelled.deps.files.has('apps/app/named.yaml') }).toEqual({
        round,
        indexed: true
      })
      const leak = setUp(write(respell, '../../.git/config'))
      expect(refusal(leak.guard)).toMatch(/inside the repository's \.git directory/)
    }
  })

  it('a remote base under RESOURCES (or an upper-case scheme) is refused like resources', () => {
    for (const ref of ['http://127.0.0.1:9/x.yaml', 'HTTP://127.0.0.1:9/x.yaml'])
      for (const key of ['resources', 'RESOURCES', 'Re\u017fources', 'bASES']) {
        const { deps, guard } = setUp(`${key}: [named.yaml, ${ref}]\n`)
        expect(deps.remote.map(r => r.ref)).toEqual([ref])
        expect(refusal(guard)).toContain('is a remote base; set kustomize.allowRemoteBases: true')
      }
  })

  it('helm homes and remote chart repos are seen in any spelling', () => {
    const home = setUp(`HELMGLOBALS:\n  CONFIGHOME: .helm\n`)
    expect(refusal(home.guard)).toContain('helm would load plugins from it')
    const repo = setUp(
      `HelmCharts:\n  - NAME: c\n    REPO: http://127.0.0.1:9/charts\n    VERSION: 1.0.0\n`
    )
    expect(repo.deps.remote.map(r => r.ref)).toEqual(['http://127.0.0.1:9/charts'])
    const plugin = setUp(
      `GENERATORS:\n  - |\n    kind: HelmChartInflationGenerator\n    NAME: c\n    HELMHOME: .helm\n`
    )
    expect(refusal(plugin.guard)).toContain('helm would load plugins from it')
  })

  it('a field written twice, or through a YAML merge key, is refused; merge keys are read', () => {
    const twice = setUp('resources: [named.yaml]\nRESOURCES: [../../.git/config]\n')
    expect(refusal(twice.guard)).toContain(
      'apps/app/kustomization.yaml: resources is written twice'
    )
    const merged = setUp('<<: {configMapGenerator: [{name: x, files: [k=../../.git/config]}]}\n')
    expect(refusal(merged.guard)).toMatch(/inside the repository's \.git directory/)
  })

  it('folds names as Go does: ASCII letters, the long s and the Kelvin sign', () => {
    expect(goFoldName('re\u017fources')).toBe(goFoldName('RESOURCES'))
    expect(goFoldName('\u212aind')).toBe(goFoldName('kind'))
    expect(goFoldName('r\u00e9sources')).not.toBe(goFoldName('resources'))
    expect(parseKustomization('Resources: [a]\nnamePrefix: p-\n')).toEqual({
      resources: ['a'],
      namePrefix: 'p-'
    })
  })
})
