import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'
import { ROOT, toolEnv } from './helpers/tools.js'

// A pull request writes ApplicationSets and discover patterns: what they expand to is
// bounded (limits.applications), checked before expanding, as a config error naming the file.

afterAll(cleanupTempDirs)

const CLI = path.join(ROOT, 'dist', 'cli', 'index.js')

function hydrate(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env: toolEnv(), encoding: 'utf8' })
}

const list = (key: string, n: number) =>
  [
    '      - list:',
    '          elements:',
    ...Array.from(
      { length: n },
      (_, i) => `            - ${key}: ${key}-${String(i).padStart(4, '0')}-padding-to-fifty-bytes`
    )
  ].join('\n')

function matrixAppSet(n: number): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: ApplicationSet',
    'metadata:',
    '  name: everything',
    'spec:',
    '  generators:',
    '    - matrix:',
    '        generators:',
    list('a', n).replace(/^/gm, '    '),
    list('b', n).replace(/^/gm, '    '),
    '  template:',
    '    metadata:',
    "      name: '{{a}}-{{b}}'",
    '    spec:',
    '      project: default',
    '      source:',
    '        repoURL: https://github.com/acme/dry.git',
    '        path: apps/web',
    '        targetRevision: HEAD',
    '      destination:',
    '        server: https://kubernetes.default.svc',
    "        namespace: '{{a}}'",
    ''
  ].join('\n')
}

describe('bounded expansion', () => {
  it('refuses a matrix of two 1,000-element lists as a config error naming the file', () => {
    const text = matrixAppSet(1000)
    expect(text.length).toBeGreaterThan(100_000)
    const repo = makeRepo({
      files: {
        'hydrate.yaml': 'version: 1\nargocd:\n  repoURLs: [https://github.com/acme/dry.git]\n',
        'argocd/everything.yaml': text,
        'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n'
      }
    })
    const run = hydrate(repo, ['targets'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /argocd\/everything\.yaml:7:\d+: ApplicationSet everything would generate 1000000 Applications, more than limits\.applications allows \(10000\)/
    )
  })

  it('takes the limit from limits.applications, and refuses a discover pattern over it', () => {
    const small = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\nlimits: { applications: 3 }\nargocd:\n  repoURLs: [https://github.com/acme/dry.git]\n',
        'argocd/everything.yaml': matrixAppSet(2),
        'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n'
      }
    })
    const refused = hydrate(small, ['targets'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain(
      'would generate 4 Applications, more than limits.applications allows (3)'
    )
    fs.writeFileSync(
      path.join(small, 'hydrate.yaml'),
      'version: 1\nlimits: { applications: 4 }\nargocd:\n  repoURLs: [https://github.com/acme/dry.git]\n'
    )
    const allowed = hydrate(small, ['targets'])
    // Within the limit it expands: hydrate targets lists each generated Application.
    expect(allowed.stderr).not.toContain('limits.applications')
    expect(`${allowed.stdout}${allowed.stderr}`).toContain('ApplicationSet everything (a=a-0000')

    const envs = Object.fromEntries(
      ['a', 'b', 'c'].map(env => [
        `environments/${env}/cm.yaml`,
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'
      ])
    )
    const discover = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\nlimits:\n  applications: 2\ntargets:\n  - discover: environments/{env}\n',
        ...envs
      }
    })
    const run = hydrate(discover, ['targets'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /hydrate\.yaml:5:\d+: discover pattern environments\/\{env\} matches 3 directories/
    )
  })
})
