import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { renderGoTemplate } from '../src/gotemplate/index.js'
import { MemoryLogger } from '../src/logger.js'
import { PrototypePollutionError, runProcess } from '../src/process/run.js'
import { cleanupTempDirs, git, makeRepo } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

// An attacker's pass found this: a PR's ApplicationSet whose parameters hold a `__proto__`
// key, merged by `merge`/`mergeOverwrite`, wrote into Object.prototype; spawn then passed the
// inherited GIT_CONFIG_* variables to git, which ran the PR's command (core.fsmonitor).

const REPO_URL = 'https://example.com/dry.git'
const marker = path.join(os.tmpdir(), `hydrate-pwned-${process.pid}`)
const payload = [
  '__proto__:',
  '  GIT_CONFIG_COUNT: "1"',
  '  GIT_CONFIG_KEY_0: core.fsmonitor',
  `  GIT_CONFIG_VALUE_0: "touch ${marker}; false"`,
  '  polluted: "yes"'
]
const indent = (lines: string[], by: string) => lines.map(line => by + line).join('\n')

function applicationSet(generator: string, nameTemplate: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: ApplicationSet',
    'metadata: { name: set }',
    'spec:',
    '  goTemplate: true',
    '  generators:',
    generator,
    '  template:',
    `    metadata: { name: '${nameTemplate}' }`,
    '    spec:',
    '      project: default',
    '      destination: { server: https://kubernetes.default.svc, namespace: x }',
    `      source: { repoURL: ${REPO_URL}, path: app }`,
    ''
  ].join('\n')
}

const listGenerator = [
  '    - list:',
  '        elements:',
  '          - env: prod',
  indent(payload, '            ')
].join('\n')
const filesGenerator = `    - git: { repoURL: ${REPO_URL}, revision: HEAD, files: [{ path: "envs/*.yaml" }] }`

async function renderWith(files: Record<string, string>) {
  const repo = makeRepo({
    files: {
      ...files,
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }\n'
    }
  })
  git(repo, 'remote', 'add', 'origin', REPO_URL)
  const before = Object.getOwnPropertyNames(Object.prototype)
  const result = await renderRepository({
    repoRoot: repo,
    logger: new MemoryLogger(),
    env: toolEnv()
  })
  return {
    prototype: Object.getOwnPropertyNames(Object.prototype).filter(n => !before.includes(n)),
    inherited: ({} as Record<string, unknown>).polluted,
    marker: fs.existsSync(marker),
    targets: result.rendered.map(r => r.target.name),
    errors: result.errors.map(e => e.message)
  }
}

describe('a `__proto__` key in ApplicationSet parameters', () => {
  it.each([
    ['merge (dict) .', '{{ $x := merge (dict) . }}{{ .env }}'],
    ['mergeOverwrite (dict) .', '{{ $x := mergeOverwrite (dict) . }}{{ .env }}'],
    ['deepCopy .', '{{ $x := deepCopy . }}{{ .env }}'],
    ['set on a dict', '{{ $d := dict }}{{ $x := set $d "__proto__" .__proto__ }}{{ .env }}']
  ])('from a list generator, through %s, stays data', async (_how, name) => {
    expect(await renderWith({ 'apps/set.yaml': applicationSet(listGenerator, name) })).toEqual({
      prototype: [],
      inherited: undefined,
      marker: false,
      targets: ['prod'],
      errors: []
    })
  })

  it('from a git files generator, through mergeOverwrite, stays data', async () => {
    const result = await renderWith({
      'apps/set.yaml': applicationSet(
        filesGenerator,
        '{{ $x := mergeOverwrite (dict) . }}{{ .env }}'
      ),
      'envs/prod.yaml': ['env: prod', ...payload].join('\n') + '\n'
    })
    expect(result).toEqual({
      prototype: [],
      inherited: undefined,
      marker: false,
      targets: ['prod'],
      errors: []
    })
  })

  it('is kept as a key, as Go keeps it', () => {
    expect(renderGoTemplate('{{ toJson (dict "__proto__" "x" "a" 1) }}', {})).toBe(
      '{"__proto__":"x","a":1}'
    )
    expect(
      renderGoTemplate('{{ (fromJson "{\\"__proto__\\":{\\"k\\":1}}").__proto__.k }}', {})
    ).toBe('1')
    expect(
      renderGoTemplate('{{ $d := dict }}{{ $_ := set $d "constructor" "c" }}{{ keys $d }}', {})
    ).toBe('[constructor]')
  })
})

describe('starting a process', () => {
  it('is refused while Object.prototype has a property of its own that it did not have', async () => {
    const prototype = Object.prototype as Record<string, unknown>
    prototype.GIT_CONFIG_COUNT = '1'
    try {
      await expect(runProcess('git', ['--version'])).rejects.toThrow(PrototypePollutionError)
      await expect(runProcess('git', ['--version'])).rejects.toThrow(
        'refusing to start a process: Object.prototype was given "GIT_CONFIG_COUNT" (prototype pollution by some input)'
      )
    } finally {
      delete prototype.GIT_CONFIG_COUNT
    }
    expect((await runProcess('git', ['--version'])).exitCode).toBe(0)
  })
})
