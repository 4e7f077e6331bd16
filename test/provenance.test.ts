import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import { hydrateForTest } from './helpers/engine.js'
import { provenanceRun } from '../src/provenance/run.js'
import { repositoryUri } from '../src/provenance/statement.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  tempDir,
  writeFiles
} from './helpers/repo.js'
import { serveDirectory } from './helpers/servers.js'
import { HELM4, KUBECTL, ROOT, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const SCHEMAS = path.join(ROOT, 'test', 'reference', 'provenance')

function validators() {
  const ajv = new Ajv({ allErrors: true, strict: false })
  formats.default(ajv)
  const read = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8')) as object
  ajv.addSchema(read('statement-v1.schema.json'))
  ajv.addSchema(read('slsa-provenance-v1.schema.json'))
  return {
    statement: ajv.getSchema('https://in-toto.io/Statement/v1')!,
    predicate: ajv.getSchema('https://slsa.dev/provenance/v1')!
  }
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex')

/** A pinned chart in an HTTP chart repository on 127.0.0.1, packaged by the real helm. */
async function chartRepository(env: NodeJS.ProcessEnv) {
  const src = tempDir()
  writeFiles(src, {
    'remote-app/Chart.yaml': 'apiVersion: v2\nname: remote-app\nversion: 1.2.3\n',
    'remote-app/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: remote}\ndata: {a: "1"}\n'
  })
  const served = tempDir()
  execFileSync(HELM4, ['package', path.join(src, 'remote-app'), '--destination', served], { env })
  const server = await serveDirectory(served)
  execFileSync(HELM4, ['repo', 'index', served, '--url', server.url], { env })
  return { server, archive: path.join(served, 'remote-app-1.2.3.tgz') }
}

describe('provenance statement of a push', () => {
  it('lists every manifest the push wrote with the sha256 of its bytes on the branch, and the dry commit, tools and charts it came from', async () => {
    const home = tempDir('hydrate-helm-home-')
    const env = {
      ...toolEnv(),
      HELM_CACHE_HOME: `${home}/c`,
      HELM_CONFIG_HOME: `${home}/g`,
      HELM_DATA_HOME: `${home}/d`,
      HYDRATE_CHART_CACHE: `${home}/charts`
    }
    const { server, archive } = await chartRepository(env)
    try {
      const { dry, remote } = makeDryWithRemote({
        files: {
          'hydrate.yaml': `version: 1\nremote:\n  allow: ["${server.url}"]\ntargets:\n  - {name: app-dev, env: dev, source: app/overlays/dev, path: app}\n  - {name: app-prod, env: prod, source: app/overlays/prod, path: app}\n  - name: remote-prod\n    env: prod\n    path: remote\n    helm: {repo: "${server.url}", chart: remote-app, version: 1.2.3, releaseName: r}\n`,
          'app/base/kustomization.yaml': 'resources: [cm.yaml]\n',
          'app/base/cm.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {v: "1"}\n',
          'app/overlays/dev/kustomization.yaml': 'resources: [../../base]\nnamePrefix: dev-\n',
          'app/overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod-\n'
        }
      })
      const started = new Date()
      const run = provenanceRun(
        {
          GITHUB_ACTIONS: 'true',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/gitops',
          GITHUB_WORKFLOW_REF: 'acme/gitops/.github/workflows/hydrate.yml@refs/heads/main',
          GITHUB_RUN_ID: '42',
          GITHUB_RUN_ATTEMPT: '2',
          GITHUB_REF: 'refs/heads/main'
        },
        '0.1.0',
        started
      )
      const { provenance, write } = await hydrateForTest(dry, { env, provenance: run })
      expect(write.pushed).toBe(true)
      expect(provenance).toBeDefined()
      const { statement, predicate } = validators()
      statement(provenance)
      expect(statement.errors ?? null).toBeNull()
      predicate(provenance?.predicate)
      expect(predicate.errors ?? null).toBeNull()

      // Every manifest.yaml on the written branches, each digest that of the blob's bytes.
      const names = provenance!.subject.map(s => s.name)
      expect(names).toEqual([
        'env/dev:app/manifest.yaml',
        'env/prod:app/manifest.yaml',
        'env/prod:remote/manifest.yaml'
      ])
      for (const subject of provenance!.subject) {
        const [branch, file] = subject.name.split(':') as [string, string]
        const bytes = execFileSync('git', ['show', `refs/heads/${branch}:${file}`], { cwd: remote })
        expect(subject.digest.sha256).toBe(sha256(bytes))
      }
      const { buildDefinition, runDetails } = provenance!.predicate
      const dependencies = buildDefinition.resolvedDependencies
      expect(dependencies[0]).toEqual({
        uri: expect.stringMatching(/^git\+.*@refs\/heads\/main$/) as unknown as string,
        name: 'dry repository',
        digest: { gitCommit: git(dry, 'rev-parse', 'HEAD').trim() }
      })
      const byName = new Map(dependencies.map(d => [d.name, d]))
      expect(byName.get('helm')?.digest?.sha256).toBe(sha256(fs.readFileSync(HELM4)))
      expect(byName.get('helm')?.annotations?.version).toMatch(/^v?4\./)
      expect(byName.get('kubectl')?.digest?.sha256).toBe(sha256(fs.readFileSync(KUBECTL)))
      const chart = dependencies.find(d => d.uri === `${server.url}/remote-app`)
      expect(chart?.digest?.sha256).toBe(sha256(fs.readFileSync(archive)))
      expect(chart?.annotations?.version).toBe('1.2.3')
      expect(buildDefinition.externalParameters).toMatchObject({
        ref: 'refs/heads/main',
        config: 'hydrate.yaml'
      })
      expect(runDetails.builder.id).toBe(
        'https://github.com/acme/gitops/.github/workflows/hydrate.yml@refs/heads/main'
      )
      expect(runDetails.metadata.invocationId).toBe(
        'https://github.com/acme/gitops/actions/runs/42/attempts/2'
      )
      expect(Date.parse(runDetails.metadata.finishedOn)).toBeGreaterThanOrEqual(started.getTime())

      // A second push that changes only prod: only prod's manifests are subjects.
      writeFiles(dry, {
        'app/overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod2-\n'
      })
      commitAll(dry, 'prod only')
      const second = await hydrateForTest(dry, { env, provenance: run })
      expect(second.provenance?.subject.map(s => s.name)).toEqual([
        'env/prod:app/manifest.yaml',
        'env/prod:remote/manifest.yaml'
      ])
      // A dry run pushes nothing and states nothing.
      const dryRun = await hydrateForTest(dry, { env, provenance: run, dryRun: true })
      expect(dryRun.provenance).toBeUndefined()
    } finally {
      await server.close()
    }
  })

  it('writes repository URLs and paths as URIs', () => {
    expect(repositoryUri('https://github.com/acme/gitops')).toBe('https://github.com/acme/gitops')
    expect(repositoryUri('git@github.com:acme/gitops.git')).toBe(
      'ssh://git@github.com/acme/gitops.git'
    )
    expect(repositoryUri('/tmp/a b/remote.git')).toBe('file:///tmp/a%20b/remote.git')
  })

  it('names the CLI as the builder outside a workflow run', () => {
    const run = provenanceRun({}, '1.2.0', new Date(0))
    expect(run.builderId).toBe('https://github.com/org/hydrate-action/cli@v1.2.0')
    expect(run.invocationId).toBeUndefined()
  })
})
