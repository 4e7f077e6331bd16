import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository, writeLayouts } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import {
  cleanupTempDirs,
  CORPUS,
  EXAMPLE_REPO,
  EXAMPLE_TARGETS,
  git,
  makeRepo,
  snapshotTree,
  tempDir
} from './helpers/repo.js'
import { HELM_VERSIONS, KUBECTL, KUSTOMIZE_VERSION, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

afterAll(cleanupTempDirs)

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  return execFileSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

/** Asserts that our manifest equals the tool's own output, resource by resource. */
function expectSameResources(ours: string, theirs: string): void {
  const a = byIdentity(parseStream(ours))
  const b = byIdentity(parseStream(theirs))
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
  for (const [id, resource] of b) expect({ id, resource: a.get(id) }).toEqual({ id, resource })
  expect(a.size).toBeGreaterThan(0)
}

function readManifest(outDir: string, branch: string, targetPath: string): string {
  return fs.readFileSync(path.join(outDir, branch, targetPath, 'manifest.yaml'), 'utf8')
}

describe.each(HELM_VERSIONS)('example repo on $label', ({ bin, version }) => {
  const env = toolEnv(bin)
  const repo = makeRepo({ from: EXAMPLE_REPO })
  const out = tempDir()
  let result: Awaited<ReturnType<typeof renderRepository>>

  it('renders every target without errors and logs the tool versions once', async () => {
    const logger = new MemoryLogger()
    result = await renderRepository({ repoRoot: repo, logger, env })
    expect(result.errors.map(e => e.message)).toEqual([])
    expect(result.rendered.map(r => r.target.name).sort()).toEqual(EXAMPLE_TARGETS)
    expect(logger.lines.filter(l => l.startsWith(`helm ${version}`))).toHaveLength(1)
    expect(
      logger.lines.filter(l => l.startsWith(`kubectl kustomize ${KUSTOMIZE_VERSION}`))
    ).toHaveLength(1)
    writeLayouts(out, result.layouts)
  })

  it.each(['dev', 'staging', 'prod'])('kustomize overlay %s equals kubectl kustomize', env_ => {
    const theirs = run(KUBECTL, ['kustomize', `apps/guestbook/overlays/${env_}`], repo, env)
    expectSameResources(readManifest(out, `env/${env_}`, 'guestbook'), theirs)
  })

  it('kustomize output has the component, the merged configMapGenerator and the patch', () => {
    const prod = byIdentity(parseStream(readManifest(out, 'env/prod', 'guestbook')))
    const ids = [...prod.keys()]
    expect(ids).toContain('monitoring.coreos.com/v1/ServiceMonitor/guestbook-prod/guestbook')
    const configMap = ids.find(id =>
      /ConfigMap\/guestbook-prod\/guestbook-config-[a-z0-9]+$/.test(id)
    )
    expect(configMap).toBeDefined()
    expect((prod.get(configMap as string) as { data: Record<string, string> }).data).toEqual({
      LOG_LEVEL: 'warn',
      FEATURE_COMMENTS: 'false'
    })
    const deployment = prod.get('apps/v1/Deployment/guestbook-prod/guestbook') as {
      spec: { replicas: number }
    }
    expect(deployment.spec.replicas).toBe(4)
    const dev = byIdentity(parseStream(readManifest(out, 'env/dev', 'guestbook')))
    expect([...dev.keys()].some(id => id.includes('ServiceMonitor'))).toBe(false)
  })

  it.each(['dev', 'staging', 'prod'])(
    'helm chart with file:// dependency and values equals helm template (%s)',
    env_ => {
      // helm itself needs the dependency built: do it in a scratch copy, as a person would.
      const scratch = tempDir()
      fs.cpSync(path.join(repo, 'charts'), path.join(scratch, 'charts'), { recursive: true })
      run(bin, ['dependency', 'build', 'charts/webapp'], scratch, env)
      const args = [
        'template',
        'webapp',
        'charts/webapp',
        '--namespace',
        'webapp',
        '--values',
        path.join(repo, `environments/${env_}/webapp.yaml`),
        '--skip-tests'
      ]
      if (env_ === 'prod') args.push('--set-json', 'podDisruptionBudget={"minAvailable":2}')
      const theirs = run(bin, args, scratch, env)
      const ours = readManifest(out, `env/${env_}`, 'webapp')
      expectSameResources(ours, theirs)
      const kinds = parseStream(ours).map(d => (d as { kind: string }).kind)
      expect(kinds.includes('StatefulSet')).toBe(env_ !== 'dev') // the cache subchart, enabled in staging and prod
      expect(kinds.includes('PodDisruptionBudget')).toBe(env_ === 'prod') // inline values
    }
  )

  it('plain directory equals the files concatenated in sorted order', () => {
    const theirs = ['namespaces.yaml', 'quota.yaml']
      .map(f => fs.readFileSync(path.join(repo, 'cluster/prod', f), 'utf8'))
      .join('\n---\n')
    expectSameResources(readManifest(out, 'env/prod', 'cluster'), theirs)
  })

  it('records the exact commands, and they reproduce the output when run', () => {
    const metadata = JSON.parse(
      fs.readFileSync(path.join(out, 'env/prod/webapp/hydrator.metadata'), 'utf8')
    ) as { commands: string[] }
    expect(metadata.commands).toEqual([
      'helm dependency build charts/webapp',
      `helm template webapp charts/webapp --namespace webapp --values environments/prod/webapp.yaml --set-json 'podDisruptionBudget={"minAvailable":2}' --skip-tests`
    ])
    const scratch = makeRepo({ from: repo })
    const shellEnv = { ...env, PATH: `${path.dirname(bin)}:${env.PATH}` }
    const reproduced = execFileSync('sh', ['-c', metadata.commands.join(' >/dev/null && ')], {
      cwd: scratch,
      env: shellEnv,
      encoding: 'utf8'
    })
    expectSameResources(readManifest(out, 'env/prod', 'webapp'), reproduced)
    for (const target of ['guestbook', 'cluster']) {
      const { commands } = JSON.parse(
        fs.readFileSync(path.join(out, 'env/prod', target, 'hydrator.metadata'), 'utf8')
      ) as { commands: string[] }
      const text = execFileSync('sh', ['-c', commands.join(' && ')], {
        cwd: repo,
        env: shellEnv,
        encoding: 'utf8'
      })
      expectSameResources(readManifest(out, 'env/prod', target), text)
    }
  })
})

describe('determinism and side effects', () => {
  it('renders the same dry commit to byte-identical output, and never modifies the repo', async () => {
    const repo = makeRepo({ from: EXAMPLE_REPO })
    const before = snapshotTree(repo)
    const a = tempDir()
    const b = tempDir()
    writeLayouts(
      a,
      (
        await renderRepository({
          repoRoot: repo,
          logger: new MemoryLogger(),
          env: toolEnv(),
          concurrency: 4
        })
      ).layouts
    )
    writeLayouts(
      b,
      (
        await renderRepository({
          repoRoot: repo,
          logger: new MemoryLogger(),
          env: toolEnv(),
          concurrency: 1
        })
      ).layouts
    )
    expect(snapshotTree(a)).toEqual(snapshotTree(b))
    expect(Object.keys(snapshotTree(a)).length).toBeGreaterThan(20)
    expect(snapshotTree(repo)).toEqual(before) // no charts/, Chart.lock or anything else left behind
    expect(git(repo, 'status', '--porcelain', '--ignored')).toBe('')
  })
})

describe('zero-config layout (base + environments/{env})', () => {
  it('hydrates environments/{dev,staging,prod} to env/{env} with no hydrate.yaml', async () => {
    const repo = makeRepo({
      files: {
        'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
        'base/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.0\n',
        ...Object.fromEntries(
          ['dev', 'staging', 'prod'].map((env, i) => [
            `environments/${env}/kustomization.yaml`,
            `resources: [../../base]\nnamespace: web-${env}\nreplicas:\n  - name: web\n    count: ${i + 1}\n`
          ])
        )
      }
    })
    const out = tempDir()
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors).toEqual([])
    expect(result.layouts.map(l => l.branch)).toEqual(['env/dev', 'env/prod', 'env/staging'])
    writeLayouts(out, result.layouts)
    for (const env of ['dev', 'staging', 'prod']) {
      const theirs = run(KUBECTL, ['kustomize', `environments/${env}`], repo, toolEnv())
      expectSameResources(readManifest(out, `env/${env}`, `environments/${env}`), theirs)
    }
  })
})

const corpus = path.join(CORPUS, 'podinfo')
const corpusPresent = fs.existsSync(corpus)
;(corpusPresent ? describe : describe.skip)(
  `real-world corpus: podinfo${corpusPresent ? '' : ' (skipped: ../shared/corpus is absent in this clone)'}`,
  () => {
    it.each(HELM_VERSIONS)(
      'podinfo chart with values-prod.yaml equals helm template on $label',
      async ({ bin }) => {
        const env = toolEnv(bin)
        const repo = makeRepo({
          from: corpus,
          files: {
            'hydrate.yaml': [
              'version: 1',
              'targets:',
              '  - name: podinfo-prod',
              '    env: prod',
              '    source: charts/podinfo',
              '    path: podinfo',
              '    helm:',
              '      releaseName: podinfo',
              '      namespace: podinfo',
              '      valueFiles: [charts/podinfo/values-prod.yaml]',
              '      includeCRDs: true',
              '  - name: podinfo-kustomize',
              '    env: prod',
              '    source: kustomize',
              '    path: podinfo-kustomize',
              ''
            ].join('\n')
          }
        })
        const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
        expect(result.errors.map(e => e.message)).toEqual([])
        const out = tempDir()
        writeLayouts(out, result.layouts)
        const theirs = run(
          bin,
          [
            'template',
            'podinfo',
            'charts/podinfo',
            '--namespace',
            'podinfo',
            '--values',
            'charts/podinfo/values-prod.yaml',
            '--include-crds',
            '--skip-tests'
          ],
          repo,
          env
        )
        expectSameResources(readManifest(out, 'env/prod', 'podinfo'), theirs)
        expectSameResources(
          readManifest(out, 'env/prod', 'podinfo-kustomize'),
          run(KUBECTL, ['kustomize', 'kustomize'], repo, env)
        )
      }
    )
  }
)
