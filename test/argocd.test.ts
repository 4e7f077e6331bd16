import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import type { Target } from '../src/config/types.js'
import { renderRepository, writeLayouts } from '../src/engine.js'
import { affectedTargets } from '../src/targets/affected.js'
import { ConfigError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { outputSink } from './helpers/cli.js'
import { cleanupTempDirs, git, makeRepo, tempDir, writeFiles } from './helpers/repo.js'
import { HELM_VERSIONS, KUBECTL, ROOT, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

// Targets from Argo CD Applications: each output must equal what helm / kubectl kustomize give
// with the options Argo CD's repo-server would pass (the commands are written out below).

afterAll(cleanupTempDirs)

const EXAMPLE = path.join(ROOT, 'examples', 'argocd-repo')
const ORIGIN = 'https://github.com/example/argocd-repo.git'

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  return execFileSync(file, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

function expectSameResources(ours: string, theirs: string): void {
  const a = byIdentity(parseStream(ours))
  const b = byIdentity(parseStream(theirs))
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
  for (const [id, resource] of b) expect({ id, resource: a.get(id) }).toEqual({ id, resource })
  expect(a.size).toBeGreaterThan(0)
}

/** A copy of the repository with some files replaced: where Argo CD's edits are made by hand. */
function editedCopy(repo: string, files: Record<string, string>): string {
  const copy = tempDir('hydrate-argo-expected-')
  fs.cpSync(repo, copy, { recursive: true, filter: src => path.basename(src) !== '.git' })
  writeFiles(copy, files)
  return copy
}

function summary(t: Target) {
  return {
    name: t.name,
    env: t.env,
    branch: t.branch,
    path: t.path,
    type: t.type,
    source: t.source,
    ...(t.environmentBranch ? { environmentBranch: t.environmentBranch } : {}),
    promotionBranch: t.promotionBranch,
    at: `${t.location.file}:${t.location.line}`
  }
}

describe('discovery from the example Argo CD repository', () => {
  const repo = makeRepo({ from: EXAMPLE })

  it('maps Applications and generated Applications to targets, with where each came from', () => {
    const config = loadConfig(repo)
    expect(config.targets.map(summary).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        name: 'api-dev',
        env: 'dev',
        branch: 'env/dev',
        path: 'api-dev',
        type: 'kustomize',
        source: 'apps/api',
        promotionBranch: undefined,
        at: 'argocd/api-appset.yaml:10'
      },
      {
        name: 'api-staging',
        env: 'staging',
        branch: 'env/staging',
        path: 'api-staging',
        type: 'kustomize',
        source: 'apps/api',
        promotionBranch: undefined,
        at: 'argocd/api-appset.yaml:10'
      },
      {
        name: 'guestbook-prod',
        env: 'prod',
        branch: 'env/prod',
        path: 'guestbook-prod',
        type: 'kustomize',
        source: 'kustomize/guestbook',
        promotionBranch: undefined,
        at: 'argocd/guestbook-prod.yaml:2'
      },
      {
        name: 'hello',
        env: 'preview',
        branch: 'env/preview-next', // hydrateTo; syncSource.targetBranch is the environment branch
        environmentBranch: 'env/preview',
        path: 'hello',
        type: 'directory',
        source: 'manifests/hello',
        promotionBranch: 'env/preview-next',
        at: 'argocd/hello-hydrator.yaml:3'
      },
      {
        name: 'podinfo-prod',
        env: 'prod',
        branch: 'env/prod',
        path: 'podinfo-prod',
        type: 'helm',
        source: 'charts/podinfo',
        promotionBranch: undefined,
        at: 'argocd/podinfo-prod.yaml:2'
      },
      {
        name: 'podinfo-staging',
        env: 'staging',
        branch: 'env/staging',
        path: 'podinfo-staging',
        type: 'helm',
        source: 'charts/podinfo',
        promotionBranch: undefined,
        at: 'argocd/podinfo-staging.yaml:2'
      },
      {
        name: 'web',
        env: 'dev',
        branch: 'env/dev',
        path: 'web',
        type: 'kustomize',
        source: 'apps/web',
        promotionBranch: undefined,
        at: 'argocd/apps-appset.yaml:9'
      }
    ])
    expect(config.targets.find(t => t.name === 'web')?.origin).toBe(
      'ApplicationSet apps (apps/web)'
    )
    expect(
      config.argocd?.findings.map(
        f => `${f.location.file}:${f.location.line} ${f.subject}: ${f.kind}: ${f.message}`
      )
    ).toEqual([
      'argocd/not-ours.yaml:2 Application upstream-tool: skipped: source repoURL https://github.com/other-org/platform.git is not this repository',
      'argocd/not-ours.yaml:17 Application with-plugin: unsupported: config management plugins (source.plugin) never run in hydrate'
    ])
  })

  it('maps the helm, kustomize and directory options as Argo CD does', () => {
    const byName = new Map(loadConfig(repo).targets.map(t => [t.name, t]))
    expect(byName.get('podinfo-prod')?.helm).toMatchObject({
      releaseName: 'podinfo-prod', // Argo CD's default: the Application's name
      namespace: 'podinfo', // spec.destination.namespace
      valueFiles: ['charts/podinfo/values-prod.yaml'], // relative to the chart
      includeCRDs: true, // skipCrds defaults to false
      skipTests: false,
      parameters: [
        { name: 'replicaCount', value: '3', forceString: false },
        { name: 'image.tag', value: '6.7.0', forceString: true },
        { name: 'greeting', value: 'hello, prod', forceString: false }
      ]
    })
    expect(byName.get('podinfo-staging')?.helm).toMatchObject({
      releaseName: 'podinfo',
      valueFiles: ['environments/staging/podinfo.yaml'], // $values/… from the ref source's root
      includeCRDs: false,
      valuesYaml: 'greeting: from valuesObject\n'
    })
    expect(byName.get('guestbook-prod')?.kustomize?.edits).toMatchObject({
      namePrefix: 'prod-',
      images: ['nginx:1.27.1'],
      commonLabels: { team: 'guestbook' }
    })
    expect(byName.get('api-staging')?.kustomize?.edits?.replicas).toEqual([
      { name: 'api', count: 2 }
    ])
    expect(byName.get('hello')?.directory).toEqual({
      recurse: true,
      include: undefined,
      exclude: '*.draft.yaml'
    })
  })

  it('a change to an Application manifest affects the targets it defines, and only those', () => {
    const config = loadConfig(repo)
    const affected = (file: string) =>
      [...affectedTargets(config, config.targets, [file]).affected].sort()
    expect(affected('argocd/podinfo-prod.yaml')).toEqual(['podinfo-prod'])
    expect(affected('argocd/api-appset.yaml')).toEqual(['api-dev', 'api-staging'])
    expect(affected('environments/staging/podinfo.yaml')).toEqual(['podinfo-staging'])
    expect(affected('argocd/not-ours.yaml')).toEqual([])
  })

  describe.each(HELM_VERSIONS)('rendered on $label', ({ bin }) => {
    const env = toolEnv(bin)
    const out = tempDir()
    let manifests: Map<string, string>

    it('renders every target, and writes nothing into the repository', async () => {
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.errors.map(e => e.message)).toEqual([])
      writeLayouts(out, result.layouts)
      manifests = new Map(
        result.rendered.map(r => [
          r.target.name,
          fs.readFileSync(path.join(out, r.target.branch, r.target.path, 'manifest.yaml'), 'utf8')
        ])
      )
      expect(git(repo, 'status', '--porcelain', '--ignored')).toBe('')
    })

    it('podinfo-prod: helm template with chart-relative value files and parameters', () => {
      const theirs = run(
        bin,
        [
          'template',
          'podinfo-prod',
          'charts/podinfo',
          '--namespace',
          'podinfo',
          '--values',
          'charts/podinfo/values-prod.yaml',
          '--set',
          'greeting=hello\\, prod', // Argo CD escapes the comma
          '--set',
          'replicaCount=3',
          '--set-string',
          'image.tag=6.7.0',
          '--include-crds'
        ],
        repo,
        env
      )
      expect(theirs).toContain('hello, prod')
      expect(theirs).toContain('helm.sh/hook: test') // skipTests is off, as in Argo CD
      expectSameResources(manifests.get('podinfo-prod') as string, theirs)
    })

    it('podinfo-staging: a $values ref, valuesObject as a values file, skipCrds', () => {
      const valuesFile = path.join(tempDir(), 'values.yaml')
      fs.writeFileSync(valuesFile, 'greeting: from valuesObject\n')
      const theirs = run(
        bin,
        [
          'template',
          'podinfo',
          'charts/podinfo',
          '--namespace',
          'podinfo',
          '--values',
          'environments/staging/podinfo.yaml',
          '--values',
          valuesFile
        ],
        repo,
        env
      )
      expect(theirs).not.toContain('CustomResourceDefinition')
      expect(theirs).toContain('image: ghcr.io/stefanprodan/podinfo:6.6.0')
      expectSameResources(manifests.get('podinfo-staging') as string, theirs)
    })

    it('guestbook-prod: kustomize edit set nameprefix/image, add label, then kubectl kustomize', () => {
      // (cd kustomize/guestbook && kustomize edit set nameprefix -- prod- &&
      //  kustomize edit set image nginx:1.27.1 && kustomize edit add label team:guestbook)
      const expected = editedCopy(repo, {
        'kustomize/guestbook/kustomization.yaml': [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'namePrefix: prod-',
          'resources: [../base]',
          'images: [{ name: nginx, newTag: 1.27.1 }]',
          'commonLabels: { team: guestbook }',
          ''
        ].join('\n')
      })
      const theirs = run(KUBECTL, ['kustomize', 'kustomize/guestbook'], expected, env)
      expect(theirs).toContain('name: prod-guestbook')
      expect(theirs).toContain('image: nginx:1.27.1')
      expectSameResources(manifests.get('guestbook-prod') as string, theirs)
    })

    it('api-staging: kustomize edit set replicas api=2', () => {
      const expected = editedCopy(repo, {
        'apps/api/kustomization.yaml': [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'resources: [deployment.yaml]',
          'replicas: [{ name: api, count: 2 }]',
          ''
        ].join('\n')
      })
      const theirs = run(KUBECTL, ['kustomize', 'apps/api'], expected, env)
      expectSameResources(manifests.get('api-staging') as string, theirs)
      expect(manifests.get('api-staging')).toContain('replicas: 2')
    })

    it('web (git directory generator): kubectl kustomize apps/web', () => {
      expectSameResources(
        manifests.get('web') as string,
        run(KUBECTL, ['kustomize', 'apps/web'], repo, env)
      )
    })

    it('hello (sourceHydrator, directory recurse + exclude): the files Argo CD reads', () => {
      const files = ['configmap.yaml', 'extra/extra.yaml', 'service.json']
      const theirs = files
        .map(f => fs.readFileSync(path.join(repo, 'manifests/hello', f), 'utf8'))
        .map(text => `---\n${text}`)
        .join('')
      expectSameResources(manifests.get('hello') as string, theirs)
      expect(manifests.get('hello')).not.toContain('hello-draft')
    })
  })
})

describe('zero config: a repository with Applications and no hydrate.yaml', () => {
  it('discovers them anywhere in the repository, taking its git remotes as this repository', () => {
    const repo = makeRepo({ from: EXAMPLE })
    git(repo, 'rm', '-q', 'hydrate.yaml')
    git(repo, 'remote', 'add', 'origin', ORIGIN.replace('https://github.com/', 'git@github.com:'))
    const config = loadConfig(repo)
    expect(config.file).toBeUndefined()
    expect(config.targets).toHaveLength(7)
    expect(config.argocd?.repoURLs).toEqual(['github.com/example/argocd-repo'])
  })

  it('without a matching remote every Application is skipped, and the error says why', () => {
    const repo = makeRepo({ from: EXAMPLE })
    git(repo, 'rm', '-q', 'hydrate.yaml')
    expect(() => loadConfig(repo)).toThrow(ConfigError)
    expect(() => loadConfig(repo)).toThrow(
      /no targets: the Argo CD Applications found give none \(argocd\/api-appset\.yaml:10:7: ApplicationSet api \(env=dev, replicas=1\): skipped: source repoURL git@github\.com:example\/argocd-repo\.git is not this repository, and \d+ more/
    )
  })
})

describe('a hostile Application', () => {
  const base = {
    'hydrate.yaml': 'version: 1\nargocd: { repoURLs: [https://example.com/repo] }\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
    'chart/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata: { v: {{ .Values.v | quote }} }\n'
  }
  const app = (name: string, helm: string) =>
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      `metadata: { name: ${name}, labels: { hydrate/env: dev } }`,
      'spec:',
      '  source:',
      '    repoURL: https://example.com/repo',
      '    path: chart',
      `    helm: ${helm}`,
      ''
    ].join('\n')

  it('cannot name a value file outside the repository, directly or through a symlink', () => {
    const repo = makeRepo({
      files: {
        ...base,
        'apps/a.yaml': app('escape', '{ valueFiles: [../../../etc/hostname] }'),
        'apps/b.yaml': app('link', '{ valueFiles: [outside.yaml] }'),
        'apps/c.yaml': app('fine', '{ valueFiles: [values.yaml] }'),
        'chart/values.yaml': 'v: ok\n'
      }
    })
    fs.symlinkSync('/etc/hostname', path.join(repo, 'chart', 'outside.yaml'))
    const config = loadConfig(repo)
    expect(config.targets.map(t => t.name)).toEqual(['fine'])
    expect(config.argocd?.findings.map(f => `${f.subject}: ${f.kind}: ${f.message}`)).toEqual([
      'Application escape: invalid: value file ../../../etc/hostname: ../../etc/hostname escapes the repository',
      'Application link: invalid: value file outside.yaml: chart/outside.yaml is a symlink that leads outside the repository'
    ])
  })

  it('never runs a plugin or fetches an unpinned remote chart', () => {
    const repo = makeRepo({
      files: {
        ...base,
        'apps/remote.yaml': [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: redis, labels: { hydrate/env: dev } }',
          'spec:',
          '  source: { repoURL: https://charts.example.com, chart: redis, targetRevision: ^19.0.0 }',
          ''
        ].join('\n'),
        'apps/c.yaml': app('fine', '{}')
      }
    })
    const findings = loadConfig(repo).argocd?.findings ?? []
    expect(findings.map(f => `${f.subject}: ${f.kind}: ${f.message}`)).toEqual([
      'Application redis: unsupported: remote chart redis from https://charts.example.com is not pinned (targetRevision "^19.0.0"); pin an exact version'
    ])
  })
})

describe('several rendering sources in one Application', () => {
  it('is reported, not rendered in part', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': 'version: 1\nargocd: { repoURLs: [https://example.com/repo] }\n',
        'a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
        'b/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: b }\n',
        'apps/ab.yaml': [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: ab, labels: { hydrate/env: dev } }',
          'spec:',
          '  sources:',
          '    - { repoURL: https://example.com/repo, path: a }',
          '    - { repoURL: https://example.com/repo, path: b }',
          '',
          '---',
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: a, labels: { hydrate/env: dev } }',
          'spec: { source: { repoURL: https://example.com/repo, path: a } }',
          ''
        ].join('\n')
      }
    })
    const config = loadConfig(repo)
    expect(config.targets.map(t => t.name)).toEqual(['a'])
    expect(config.argocd?.findings.map(f => `${f.subject}: ${f.kind}: ${f.message}`)).toEqual([
      'Application ab: unsupported: 2 of its sources render manifests (Argo CD concatenates them); hydrate renders one source per Application (docs/adr/0017)'
    ])
  })
})

describe('hydrate targets', () => {
  it('lists the discovered targets with file:line, and what was not rendered', async () => {
    const repo = makeRepo({ from: EXAMPLE })
    const sink = outputSink()
    expect(await runCli(['targets', '-C', repo], sink.stream)).toBe(0)
    const text = sink.text()
    expect(text).toContain('7 targets from hydrate.yaml and Argo CD Applications')
    expect(text).toMatch(
      /^hello +preview +env\/preview-next:hello \(syncs env\/preview\) +directory +manifests\/hello +argocd\/hello-hydrator\.yaml:3:1 Application hello$/m
    )
    expect(text).toContain(
      'argocd/not-ours.yaml:2:1  Application upstream-tool: skipped: source repoURL https://github.com/other-org/platform.git is not this repository'
    )
    const json = outputSink()
    expect(await runCli(['targets', '-C', repo, '--format', 'json'], json.stream)).toBe(0)
    const parsed = JSON.parse(json.text()) as { targets: Array<{ name: string; from: string }> }
    expect(parsed.targets.find(t => t.name === 'web')?.from).toBe('argocd/apps-appset.yaml:9:7')
  })

  it('lists ordinary hydrate.yaml targets too', async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': 'version: 1\ntargets:\n  - { name: a, env: dev, source: a }\n',
        'a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n'
      }
    })
    const sink = outputSink()
    expect(await runCli(['targets', '-C', repo], sink.stream)).toBe(0)
    expect(sink.text()).toMatch(/^a +dev +env\/dev:a +directory +a +hydrate\.yaml:3:5$/m)
  })
})
