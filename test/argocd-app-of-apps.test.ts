import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import type { HydrateConfig, Target } from '../src/config/types.js'
import { loadTargets, renderRepository, writeLayouts } from '../src/engine.js'
import { formatLocation } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { affectedTargets } from '../src/targets/affected.js'
import { outputSink } from './helpers/cli.js'
import { cleanupTempDirs, git, makeRepo, tempDir } from './helpers/repo.js'
import { HELM_VERSIONS, KUBECTL, ROOT, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

// App-of-apps: the Applications a chart of this repository renders become targets too, each
// rendered as Argo CD would render it once the parent has synced it (commands written out).

afterAll(cleanupTempDirs)

const EXAMPLE = path.join(ROOT, 'examples', 'argocd-app-of-apps')

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

const load = (repo: string) =>
  loadTargets({ repoRoot: repo, logger: new MemoryLogger(), env: toolEnv() })

function summary(t: Target) {
  return {
    name: t.name,
    branch: t.branch,
    path: t.path,
    type: t.type,
    source: t.source,
    appOfApps: t.appOfApps,
    at: formatLocation(t.location),
    origin: t.origin
  }
}

const findingsOf = (config: HydrateConfig) =>
  (config.argocd?.findings ?? []).map(
    f => `${formatLocation(f.location)}: ${f.subject}: ${f.kind}: ${f.message}`
  )

describe('app-of-apps: a Helm chart whose templates are Applications', () => {
  const repo = makeRepo({ from: EXAMPLE })

  it('its Applications become targets, located in the output of the parent', async () => {
    const config = await load(repo)
    expect(config.targets.map(summary)).toEqual([
      {
        name: 'root',
        branch: 'env/prod',
        path: 'root',
        type: 'helm',
        source: 'apps/root',
        appOfApps: undefined,
        at: 'argocd/root.yaml:2:1',
        origin: 'Application root'
      },
      {
        name: 'api',
        branch: 'env/prod',
        path: 'api',
        type: 'helm',
        source: 'apps/api',
        appOfApps: 'root',
        at: 'root output',
        origin: 'Application api (output of root)'
      },
      {
        name: 'web',
        branch: 'env/prod',
        path: 'web',
        type: 'kustomize',
        source: 'apps/web',
        appOfApps: 'root',
        at: 'root output',
        origin: 'Application web (output of root)'
      }
    ])
    expect(config.targets[1]?.helm).toMatchObject({
      releaseName: 'api',
      namespace: 'api',
      valueFiles: ['apps/api/values-prod.yaml'], // relative to the child's chart
      parameters: [{ name: 'replicaCount', value: '2', forceString: false }]
    })
    expect(findingsOf(config)).toEqual([])
    // Loading without rendering (older configs, unit tests) sees the file's Application only.
    expect(loadConfig(repo).targets.map(t => t.name)).toEqual(['root'])
  })

  it('hydrate targets lists the children with where they came from', async () => {
    // The CLI renders the parent with the tools its environment names.
    const saved = { ...process.env }
    Object.assign(process.env, toolEnv())
    const sink = outputSink()
    try {
      expect(await runCli(['targets', '-C', repo], sink.stream)).toBe(0)
    } finally {
      for (const key of ['PATH', 'HELM_BIN', 'KUBECTL_BIN', 'HYDRATE_CHART_CACHE'])
        if (saved[key] === undefined) delete process.env[key]
        else process.env[key] = saved[key]
    }
    expect(sink.text()).toContain('3 targets from hydrate.yaml and Argo CD Applications')
    expect(sink.text()).toMatch(
      /^web +prod +env\/prod:web +kustomize +apps\/web +root output Application web \(output of root\)$/m
    )
  })

  it("a change to the parent's inputs affects its children; a child's own inputs only the child", async () => {
    const config = await load(repo)
    const affected = (file: string) =>
      [...affectedTargets(config, config.targets, [file]).affected].sort()
    expect(affected('apps/root/values.yaml')).toEqual(['api', 'root', 'web'])
    expect(affected('argocd/root.yaml')).toEqual(['api', 'root', 'web'])
    expect(affected('apps/api/values-prod.yaml')).toEqual(['api'])
    expect(affected('apps/web/deployment.yaml')).toEqual(['web'])
  })

  it("the parent's values decide which children exist", async () => {
    const copy = makeRepo({ from: EXAMPLE })
    fs.writeFileSync(
      path.join(copy, 'apps/root/values.yaml'),
      fs
        .readFileSync(path.join(copy, 'apps/root/values.yaml'), 'utf8')
        .replace('web:\n  enabled: true', 'web:\n  enabled: false')
    )
    expect((await load(copy)).targets.map(t => t.name)).toEqual(['root', 'api'])
  })

  describe.each(HELM_VERSIONS)('rendered on $label', ({ bin }) => {
    const env = toolEnv(bin)
    const out = tempDir()
    let manifests: Map<string, string>

    it('renders the parent and its children, and writes nothing into the repository', async () => {
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.errors.map(e => e.message)).toEqual([])
      writeLayouts(out, result.layouts)
      manifests = new Map(
        result.rendered.map(r => [
          r.target.name,
          fs.readFileSync(path.join(out, r.target.branch, r.target.path, 'manifest.yaml'), 'utf8')
        ])
      )
      expect([...manifests.keys()].sort()).toEqual(['api', 'root', 'web'])
      expect(git(repo, 'status', '--porcelain', '--ignored')).toBe('')
    })

    it('root: helm template root apps/root --namespace argocd --include-crds (its Applications as objects)', () => {
      const theirs = run(
        bin,
        ['template', 'root', 'apps/root', '--namespace', 'argocd', '--include-crds'],
        repo,
        env
      )
      expect(theirs).toContain('kind: Application')
      expectSameResources(manifests.get('root') as string, theirs)
    })

    it('api: helm template api apps/api --namespace api --values apps/api/values-prod.yaml --set replicaCount=2 --include-crds', () => {
      const theirs = run(
        bin,
        [
          'template',
          'api',
          'apps/api',
          '--namespace',
          'api',
          '--values',
          'apps/api/values-prod.yaml',
          '--set',
          'replicaCount=2',
          '--include-crds'
        ],
        repo,
        env
      )
      expect(theirs).toContain('hello from prod')
      expect(theirs).toContain('replicas: 2')
      expectSameResources(manifests.get('api') as string, theirs)
    })

    it('web: kubectl kustomize apps/web', () => {
      const theirs = run(KUBECTL, ['kustomize', 'apps/web'], repo, env)
      expect(theirs).toContain('image: nginx:1.27.1')
      expectSameResources(manifests.get('web') as string, theirs)
    })
  })
})

describe('app-of-apps: cycles, depth and hostile children', () => {
  const application = (name: string, sourcePath: string, extra = '') =>
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      `metadata: { name: ${name}, labels: { hydrate/env: dev } }`,
      'spec:',
      '  source:',
      '    repoURL: https://example.com/repo',
      `    path: ${sourcePath}`,
      ...(extra ? [`    ${extra}`] : []),
      ''
    ].join('\n')
  const chart = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`
  const repo = makeRepo({
    files: {
      'hydrate.yaml':
        'version: 1\nargocd: { paths: [argocd], repoURLs: [https://example.com/repo] }\n',
      'argocd/loop.yaml': application('loop', 'charts/loop'),
      'argocd/deep.yaml': application('deep', 'charts/deep'),
      'argocd/evil.yaml': application('evil', 'evil'),
      // Declares an Application named as itself: a cycle of one.
      'charts/loop/Chart.yaml': chart('loop'),
      'charts/loop/templates/app.yaml': application('{{ .Release.Name }}', 'charts/loop'),
      // Declares {{name}}-x, rendered from the same chart: one level more each time.
      'charts/deep/Chart.yaml': chart('deep'),
      'charts/deep/templates/app.yaml': application('{{ .Release.Name }}-x', 'charts/deep'),
      'evil/app.yaml': application(
        'escape',
        'charts/loop',
        'helm: { valueFiles: [../../../../etc/hostname] }'
      )
    }
  })

  it('reports cycles, stops 3 levels down, and checks children as it checks files', async () => {
    const config = await load(repo)
    expect(config.targets.map(t => `${t.name} ${formatLocation(t.location)}`)).toEqual([
      'deep argocd/deep.yaml:1:1',
      'evil argocd/evil.yaml:1:1',
      'loop argocd/loop.yaml:1:1',
      'deep-x deep output',
      'deep-x-x deep-x output',
      'deep-x-x-x deep-x-x output'
    ])
    expect(findingsOf(config)).toEqual([
      'evil output: Application escape (output of evil): invalid: value file ../../../../etc/hostname: ../../etc/hostname escapes the repository',
      'loop output: Application loop (output of loop): skipped: cycle: loop → loop; loop is rendered once, as declared at argocd/loop.yaml:1',
      'deep-x-x-x output: Application deep-x-x-x: unsupported: its output declares 1 Argo CD object(s) 4 app-of-apps levels below a file (deep → deep-x → deep-x-x → deep-x-x-x); hydrate reads 3 levels'
    ])
  })
})
