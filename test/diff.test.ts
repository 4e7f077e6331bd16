import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffRepository, type RepositoryDiff } from '../src/engine.js'
import type { TargetDiff } from '../src/diff/types.js'
import { MemoryLogger } from '../src/logger.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown, renderMarkdownWithin } from '../src/report/markdown.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeRepo,
  snapshotTree,
  writeFiles
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const SECRET = 'pa55w0rd-Never-Print-Me'
const SECRET_B64 = Buffer.from(SECRET).toString('base64')
const NEW_SECRET = 'n3w-pa55w0rd-Also-Hidden'

const deployment = (name: string, replicas: number, image = 'nginx:1.27.0') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: main\n          image: ${image}\n`

const BASE_FILES: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'diff:',
    '  ignore:',
    '    - { group: apps, kind: Deployment, name: scaled, jsonPointers: [/spec/replicas] }',
    'targets:',
    '  - discover: apps/{app}/{env}',
    '    name: "{app}-{env}"',
    '    path: "{app}"',
    '    allowSecrets: true',
    '  - { name: chart-prod, env: prod, source: chart, path: chart }',
    ''
  ].join('\n'),
  // generated ConfigMap + Secret (hash suffixes) and a Service
  'apps/web/prod/kustomization.yaml': [
    'resources: [svc.yaml]',
    'configMapGenerator:',
    '  - { name: web-config, literals: [MODE=blue] }',
    'secretGenerator:',
    `  - { name: web-secret, literals: [PASSWORD=${SECRET}, USER=admin] }`,
    ''
  ].join('\n'),
  'apps/web/prod/svc.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n',
  'apps/same/prod/all.yaml': deployment('same', 1),
  'apps/scaled/prod/all.yaml': deployment('scaled', 2),
  'apps/gone/prod/all.yaml': deployment('gone', 1),
  'apps/broken/prod/kustomization.yaml': 'resources: [cm.yaml]\n',
  'apps/broken/prod/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n',
  'apps/moved/prod/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-old\ndata:\n  one: "1"\n  two: "2"\n  three: "3"\n  four: "4"\n  five: "5"\n  six: "6"\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
  'chart/values.yaml': 'config: one\n',
  'chart/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: chart-config\n  labels:\n    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\ndata:\n  config: {{ .Values.config }}\n',
  'chart/templates/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: chart\n  labels:\n    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\nspec:\n  selector: {matchLabels: {app: chart}}\n  template:\n    metadata:\n      labels:\n        app: chart\n        helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n      annotations:\n        checksum/config: {{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum }}\n    spec:\n      containers: [{name: c, image: "nginx:1.27.0"}]\n'
}

describe('hydrate diff: every status, renames, noise, ignore rules and masking', () => {
  let repo: string
  let result: RepositoryDiff
  const logger = new MemoryLogger()
  const byName = (name: string) => result.report.targets.find(t => t.name === name) as TargetDiff

  beforeAll(async () => {
    repo = makeRepo({ files: BASE_FILES })
    git(repo, 'checkout', '-q', '-b', 'feature')
    fs.rmSync(path.join(repo, 'apps/gone'), { recursive: true })
    writeFiles(repo, {
      'apps/web/prod/kustomization.yaml': BASE_FILES['apps/web/prod/kustomization.yaml']!.replace(
        'MODE=blue',
        'MODE=green'
      ).replace(SECRET, NEW_SECRET),
      'apps/web/prod/svc.yaml': BASE_FILES['apps/web/prod/svc.yaml']!.replace(
        'port: 80',
        'port: 8080'
      ),
      'apps/scaled/prod/all.yaml': deployment('scaled', 7), // only an ignored field changes
      'apps/fresh/prod/all.yaml': deployment('fresh', 1), // a new target
      'apps/broken/prod/kustomization.yaml': 'resources: [missing.yaml]\n',
      'apps/moved/prod/cm.yaml': BASE_FILES['apps/moved/prod/cm.yaml']!.replace(
        'settings-old',
        'settings-new'
      ),
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.2.0\n' // noise only: helm.sh/chart label
    })
    commitAll(repo, 'Feature')
    result = await diffRepository({ repoRoot: repo, base: 'main', logger, env: toolEnv() })
  })

  it('reports each target with the right status', () => {
    expect(Object.fromEntries(result.report.targets.map(t => [t.name, t.status]))).toEqual({
      'broken-prod': 'error',
      'fresh-prod': 'added',
      'moved-prod': 'changed',
      'same-prod': 'unchanged',
      'scaled-prod': 'ignored-only',
      'web-prod': 'changed',
      'chart-prod': 'ignored-only',
      'gone-prod': 'removed'
    })
    expect(result.report.base).toBe(git(repo, 'rev-parse', 'main').trim())
    expect(result.report.head).toBe(git(repo, 'rev-parse', 'HEAD').trim())
  })

  it('shows kustomize hash-suffix changes as renames, and modified resources with a unified diff', () => {
    const web = byName('web-prod')
    expect(web.counts).toEqual({ added: 0, modified: 1, removed: 0, renamed: 2 })
    const config = web.resources.find(r => r.kind === 'ConfigMap')
    expect(config).toMatchObject({
      change: 'renamed',
      name: expect.stringMatching(/^web-config-[a-z0-9]+$/),
      previousName: expect.stringMatching(/^web-config-[a-z0-9]+$/)
    })
    expect(config?.diff).toContain('-  MODE: blue\n+  MODE: green')
    const service = web.resources.find(r => r.kind === 'Service')
    expect(service).toMatchObject({
      group: '',
      kind: 'Service',
      namespace: '',
      name: 'web',
      change: 'modified'
    })
    // A valid unified diff; the hunk header names the YAML path it changes, as git names a function.
    expect(service?.diff).toMatch(
      /^--- base\/Service web\n\+\+\+ head\/Service web\n@@ -\d+,\d+ \+\d+,\d+ @@ spec\.ports\n/
    )
    expect(service?.diff).toContain('-    - port: 80\n+    - port: 8080')
  })

  it('pairs nearly identical resources under a new name as a rename', () => {
    expect(byName('moved-prod').resources).toEqual([
      expect.objectContaining({
        kind: 'ConfigMap',
        name: 'settings-new',
        previousName: 'settings-old',
        change: 'renamed'
      })
    ])
  })

  it('reports added and removed targets with their resources', () => {
    expect(byName('fresh-prod').resources.map(r => [r.change, r.kind, r.name])).toEqual([
      ['added', 'Deployment', 'fresh']
    ])
    expect(byName('fresh-prod').resources[0]?.diff).toMatch(
      /^--- \/dev\/null\n\+\+\+ head\/Deployment fresh\n/
    )
    expect(byName('gone-prod').resources.map(r => [r.change, r.kind, r.name])).toEqual([
      ['removed', 'Deployment', 'gone']
    ])
    expect(byName('gone-prod').counts.removed).toBe(1)
  })

  it('reports a render error on one target without failing the others', () => {
    expect(byName('broken-prod').error).toMatch(
      /^head: target broken-prod: kubectl kustomize apps\/broken\/prod exited with code 1/
    )
    expect(byName('broken-prod').resources).toEqual([])
  })

  it('does not count noise (helm.sh/chart, checksum/*) or ignored fields as changes, but names them', () => {
    expect(byName('chart-prod')).toMatchObject({
      status: 'ignored-only',
      resources: [],
      counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
      ignoredFields: ['checksum/config annotation', 'helm.sh/chart label']
    })
    expect(byName('scaled-prod')).toMatchObject({
      status: 'ignored-only',
      resources: [],
      ignoredFields: ['/spec/replicas (diff.ignore)']
    })
    // Output with the same bytes on both sides is unchanged, with nothing more to say.
    expect(byName('same-prod')).toEqual(
      expect.not.objectContaining({ ignoredFields: expect.anything() })
    )
    const markdown = renderMarkdown(result.report)
    expect(markdown).toContain(
      '### ❌ 1 target failed to render · 4 of 8 targets change in prod, 2 only in ignored fields\n'
    )
    expect(markdown).toContain(
      '- scaled-prod: /spec/replicas (diff.ignore)\n- chart-prod: checksum/config annotation, helm.sh/chart label'
    )
    expect(markdown).toContain('Unchanged: 1 target (prod 1)\n')
    expect(markdown).toContain(
      '| <b>prod</b> | ❌ broken-prod failed to render<br>🆕 fresh-prod new: 1 added<br>🟡 moved-prod 1 renamed<br>🟡 web-prod 1 modified, 2 renamed<br>🗑️ gone-prod removed: 1 removed |'
    )
    expect(JSON.parse(renderJson(result.report)).targets).toContainEqual(
      expect.objectContaining({ name: 'scaled-prod', status: 'ignored-only' })
    )
  })

  it('masks secret values everywhere, showing only sizes and whether each key changed', () => {
    const secret = byName('web-prod').resources.find(r => r.kind === 'Secret')
    expect(secret?.change).toBe('renamed') // the hash suffix changes with the content
    expect(secret?.diff).toContain(`-  PASSWORD: "<secret: ${SECRET.length} bytes, before change>"`)
    expect(secret?.diff).toContain(`+  PASSWORD: "<secret: ${NEW_SECRET.length} bytes, changed>"`)
    expect(secret?.diff).toContain('USER: "<secret: 5 bytes, unchanged>"')
    const outputs = [
      renderJson(result.report),
      renderMarkdown(result.report),
      renderMarkdownWithin(result.report, 2000).text,
      logger.lines.join('\n'),
      JSON.stringify(result.report)
    ].join('\n')
    for (const clear of [SECRET, NEW_SECRET, 'admin']) {
      expect(outputs).not.toContain(clear)
      expect(outputs).not.toContain(Buffer.from(clear).toString('base64'))
    }
    expect(outputs).not.toContain(SECRET_B64)
  })

  it('leaves the repository as it was (no worktree, no checkout)', () => {
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1)
    expect(git(repo, 'status', '--porcelain')).toBe('')
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('feature')
  })

  it('renders an explicit --head from a worktree, with the same result', async () => {
    const before = snapshotTree(repo)
    git(repo, 'checkout', '-q', 'main')
    const again = await diffRepository({
      repoRoot: repo,
      base: 'main',
      head: 'feature',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(again.report.targets.map(t => [t.name, t.status])).toEqual(
      result.report.targets.map(t => [t.name, t.status])
    )
    git(repo, 'checkout', '-q', 'feature')
    expect(snapshotTree(repo)).toEqual(before)
  })
})

describe('masking in last-applied-configuration and whole-secret changes', () => {
  it('masks data inside the last-applied annotation, and values of added/removed secrets', async () => {
    const lastApplied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { token: SECRET_B64 }
    })
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${lastApplied}'\ndata:\n  token: ${SECRET_B64}\nstringData:\n  plain: ${SECRET}\n`
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: s, env: prod, source: s, allowSecrets: true }\n',
        's/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n'
      }
    })
    git(repo, 'checkout', '-q', '-b', 'add-secret')
    writeFiles(repo, { 's/secret.yaml': secret })
    commitAll(repo, 'Add a secret')
    const added = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const text = renderJson(added.report) + renderMarkdown(added.report)
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain(SECRET_B64)
    expect(text).toContain(`+  token: "<secret: ${SECRET.length} bytes, added>"`)
    expect(text).toContain(`+  plain: "<secret: ${SECRET.length} bytes, added>"`)
    expect(text).toContain(`\\"data\\":{\\"token\\":\\"<secret: ${SECRET.length} bytes, added>\\"}`) // inside last-applied

    git(repo, 'checkout', '-q', '-b', 'remove-secret')
    fs.rmSync(path.join(repo, 's/secret.yaml'))
    commitAll(repo, 'Remove the secret')
    const removed = await diffRepository({
      repoRoot: repo,
      base: 'add-secret',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const removedText = renderJson(removed.report)
    expect(removedText).not.toContain(SECRET)
    expect(removedText).not.toContain(SECRET_B64)
    expect(removedText).toContain(`<secret: ${SECRET.length} bytes, removed>`)
  })
})

describe('a head whose config does not load', () => {
  it('fails with the config error (exit code 2), without waiting for the base', async () => {
    const repo = makeRepo({ files: BASE_FILES })
    git(repo, 'checkout', '-q', '-b', 'broken-config')
    writeFiles(repo, { 'hydrate.yaml': 'version: 1\ntargets:\n  - name: x\n    sourc: apps\n' })
    commitAll(repo, 'Break the config')
    const error = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    }).then(
      () => undefined,
      (e: unknown) => e as { message: string; exitCode: number }
    )
    expect(error?.message).toMatch(/^hydrate\.yaml:4:5: unknown key "sourc"/)
    expect(error?.exitCode).toBe(2)
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1)
  })
})
