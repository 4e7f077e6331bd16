import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../src/engine/loadConfig.js'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'
import { configErrorOf } from './helpers/engine.js'

afterAll(cleanupTempDirs)

/**
 * A symlink through /proc/self (or /sys, /dev) means another file in each process: with the
 * repository in a subdirectory (`working-directory`, `-C`), `/proc/self/cwd/<repo>/x` is
 * `<repo>/x` for hydrate and `<repo>/<repo>/x` for helm, kustomize or Argo CD. Paths resolved
 * from the config and from Applications are judged as the link says, as a render judges them.
 */
function inParentOf<T>(repo: string, run: () => T): T {
  const cwd = process.cwd()
  process.chdir(path.dirname(repo))
  try {
    return run()
  } finally {
    process.chdir(cwd)
  }
}

/** `link` in the repository → `/proc/self/cwd/<repo name>/<to>` (inside, seen from the parent). */
function procLink(repo: string, link: string, to: string): string {
  const text = `/proc/self/cwd/${path.basename(repo)}/${to}`
  fs.symlinkSync(text, path.join(repo, link))
  return text
}

const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
  'values.yaml': 'v: ok\n',
  'templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata: { v: {{ .Values.v | quote }} }\n'
}

const chartAt = (dir: string) =>
  Object.fromEntries(Object.entries(CHART).map(([file, text]) => [`${dir}/${file}`, text]))

const application = (name: string, source: string) =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: { name: ${name}, labels: { hydrate/env: dev } }`,
    'spec:',
    `  source: { repoURL: https://example.com/repo, ${source} }`,
    ''
  ].join('\n')

const NEVER = 'a system path, never readable'

describe('symlinks into /proc, /sys and /dev at config time', () => {
  it('are refused for Application value files, fileParameters, source paths, .argocd-source.yaml and git files generator files', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': 'version: 1\nargocd: { repoURLs: [https://example.com/repo] }\n',
        ...chartAt('chart'),
        ...chartAt('overridden'),
        'override.yaml': 'helm: { parameters: [{ name: v, value: overridden }] }\n',
        'params/dev.json': '{"env": "dev"}\n',
        'apps/fine.yaml': application('fine', 'path: chart, helm: { valueFiles: [values.yaml] }'),
        'apps/values.yaml': application('values', 'path: chart, helm: { valueFiles: [proc.yaml] }'),
        'apps/params.yaml': application(
          'params',
          'path: chart, helm: { fileParameters: [{ name: v, path: proc.yaml }] }'
        ),
        'apps/linked.yaml': application('linked', 'path: linked'),
        'apps/overridden.yaml': application('overridden', 'path: overridden'),
        'apps/set.yaml': [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: ApplicationSet',
          'metadata: { name: set }',
          'spec:',
          '  generators:',
          '    - git: { repoURL: https://example.com/repo, revision: HEAD, files: [{ path: "envs/*.json" }] }',
          '  template:',
          "    metadata: { name: 'set-{{env}}', labels: { hydrate/env: dev } }",
          '    spec:',
          '      source: { repoURL: https://example.com/repo, path: chart }',
          '      destination: { server: https://kubernetes.default.svc, namespace: web }',
          ''
        ].join('\n')
      }
    })
    const values = procLink(repo, 'chart/proc.yaml', 'chart/values.yaml')
    const linked = procLink(repo, 'linked', 'chart')
    const override = procLink(repo, 'overridden/.argocd-source.yaml', 'override.yaml')
    fs.mkdirSync(path.join(repo, 'envs'))
    const generated = procLink(repo, 'envs/dev.json', 'params/dev.json')

    const config = inParentOf(repo, () => loadConfig(repo))
    expect(config.targets.map(t => t.name)).toEqual(['fine'])
    expect(config.argocd?.findings.map(f => `${f.subject}: ${f.kind}: ${f.message}`)).toEqual([
      `Application linked: invalid: source.path: linked resolves to ${linked}, ${NEVER}`,
      `Application overridden: invalid: overridden/.argocd-source.yaml resolves to ${override}, ${NEVER}`,
      `Application params: invalid: helm file parameter v proc.yaml: chart/proc.yaml resolves to ${values}, ${NEVER}`,
      `ApplicationSet set: unsupported: git file envs/dev.json resolves to ${generated}, ${NEVER}`,
      `Application values: invalid: value file proc.yaml: chart/proc.yaml resolves to ${values}, ${NEVER}`
    ])
  })

  it('are refused for a target source and value files in hydrate.yaml (a config error at file:line)', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: web, env: dev, source: linked, path: web }\n',
        ...chartAt('chart')
      }
    })
    const linked = procLink(repo, 'linked', 'chart')
    const source = inParentOf(repo, () => configErrorOf(repo))
    expect(source.message).toContain(`linked resolves to ${linked}, ${NEVER}`)
    expect(source.message).toMatch(/hydrate\.yaml:3:/)

    fs.writeFileSync(
      path.join(repo, 'hydrate.yaml'),
      'version: 1\ntargets:\n  - name: web\n    env: dev\n    source: chart\n    path: web\n    helm: { valueFiles: [chart/proc.yaml] }\n'
    )
    const values = procLink(repo, 'chart/proc.yaml', 'chart/values.yaml')
    const valueFile = inParentOf(repo, () => configErrorOf(repo))
    expect(valueFile.message).toContain(`chart/proc.yaml resolves to ${values}, ${NEVER}`)
  })

  it('through /dev as well (no working directory needed)', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: web, env: dev, source: chart, path: web, helm: { valueFiles: [chart/fd.yaml] } }\n',
        ...chartAt('chart')
      }
    })
    fs.symlinkSync('/dev/fd/0', path.join(repo, 'chart', 'fd.yaml'))
    expect(configErrorOf(repo).message).toContain(`chart/fd.yaml resolves to /dev/fd/0, ${NEVER}`)
  })
})
