import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { serializeManifests } from '../src/manifests/parse.js'
import type { RenderedTarget } from '../src/render/index.js'
import { cleanupTempDirs, makeRepo, tempDir, writeFiles } from './helpers/repo.js'
import { hasCommand, serveDirectory, startRegistry } from './helpers/servers.js'
import { HELM_VERSIONS, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

afterAll(cleanupTempDirs)

// Async: the HTTP server runs in this process, so the event loop must stay free.
const execFileAsync = promisify(execFile)

/** A small chart packaged with the real helm: its output depends on values and release. */
function packageChart(bin: string, env: NodeJS.ProcessEnv, into: string): string {
  const src = tempDir()
  writeFiles(src, {
    'remote-app/Chart.yaml':
      'apiVersion: v2\nname: remote-app\nversion: 1.2.3\nappVersion: "9.9"\n',
    'remote-app/values.yaml': 'replicas: 1\nmessage: hi\n',
    'remote-app/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\n  namespace: {{ .Release.Namespace }}\ndata:\n  message: {{ .Values.message | quote }}\n  version: {{ .Chart.AppVersion | quote }}\n',
    'remote-app/templates/deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: x, image: "nginx:1.27.0"}]\n'
  })
  execFileSync(bin, ['package', path.join(src, 'remote-app'), '--destination', into], {
    env,
    stdio: 'ignore'
  })
  return path.join(into, 'remote-app-1.2.3.tgz')
}

/** Isolated helm state, so nothing is served from a user cache. */
function helmEnv(bin: string): NodeJS.ProcessEnv {
  const home = tempDir('hydrate-helm-home-')
  return {
    ...toolEnv(bin),
    HELM_CACHE_HOME: `${home}/cache`,
    HELM_CONFIG_HOME: `${home}/config`,
    HELM_DATA_HOME: `${home}/data`
  }
}

function remoteTargetRepo(helm: string): string {
  return makeRepo({
    files: {
      'hydrate.yaml': `version: 1\ntargets:\n  - name: remote-prod\n    env: prod\n    path: remote\n    helm:\n${helm}      releaseName: shop\n      namespace: shop\n      valueFiles: [values/prod.yaml]\n      values: { message: "from prod" }\n`,
      'values/prod.yaml': 'replicas: 3\n'
    }
  })
}

/** Our render of target `remote-prod` equals what `helm template` prints for the same chart and values. */
async function expectSameAsHelm(
  bin: string,
  env: NodeJS.ProcessEnv,
  repo: string,
  rendered: RenderedTarget | undefined,
  chart: string[]
) {
  const args = [
    'template',
    'shop',
    ...chart,
    '--namespace',
    'shop',
    '-f',
    path.join(repo, 'values/prod.yaml'),
    '--set',
    'message=from prod'
  ]
  const { stdout } = await execFileAsync(bin, args, { env, encoding: 'utf8' })
  expect(byIdentity(parseStream(serializeManifests(rendered?.resources ?? [])))).toEqual(
    byIdentity(parseStream(stdout))
  )
}

/** A chart repository served on 127.0.0.1 with the packaged chart and its index. */
async function chartRepository(bin: string, env: NodeJS.ProcessEnv) {
  const served = tempDir()
  packageChart(bin, env, served)
  const server = await serveDirectory(served)
  execFileSync(bin, ['repo', 'index', served, '--url', server.url], { env })
  return server
}

describe.each(HELM_VERSIONS)('remote charts on $label', ({ bin }) => {
  it('renders a chart from an HTTP chart repository with a pinned version', async () => {
    const env = helmEnv(bin)
    const server = await chartRepository(bin, env)
    try {
      const repo = remoteTargetRepo(
        `      repo: ${server.url}\n      chart: remote-app\n      version: 1.2.3\n`
      )
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.errors.map(e => e.message)).toEqual([])
      const [rendered] = result.rendered
      expect(rendered?.commands).toEqual([
        `helm template shop remote-app --repo ${server.url} --version 1.2.3 --namespace shop --values values/prod.yaml --set-json 'message="from prod"' --skip-tests`
      ])
      await expectSameAsHelm(bin, env, repo, rendered, [
        'remote-app',
        '--repo',
        server.url,
        '--version',
        '1.2.3'
      ])
      const cm = rendered?.resources.find(r => r.kind === 'ConfigMap')?.object as {
        data: Record<string, string>
      }
      expect(cm.data).toEqual({ message: 'from prod', version: '9.9' })
      expect(server.requests).toContain('/remote-app-1.2.3.tgz')
    } finally {
      await server.close()
    }
  })

  it('fails clearly, naming the target, when the pinned version does not exist', async () => {
    const env = helmEnv(bin)
    const server = await chartRepository(bin, env)
    try {
      const repo = remoteTargetRepo(
        `      repo: ${server.url}\n      chart: remote-app\n      version: 7.7.7\n`
      )
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.rendered).toEqual([])
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]?.message).toMatch(
        /^target remote-prod: helm template shop exited with code 1\n/
      )
      expect(result.errors[0]?.message).toMatch(/7\.7\.7/)
    } finally {
      await server.close()
    }
  })

  describe('OCI registry', () => {
    let registry: Awaited<ReturnType<typeof startRegistry>>
    beforeAll(async () => {
      if (!hasCommand('docker-registry'))
        throw new Error(
          'docker-registry is not installed: `npm test` installs it (Debian package docker-registry)'
        )
      registry = await startRegistry(tempDir('hydrate-registry-'))
    })
    afterAll(async () => registry?.stop())

    it('renders an oci:// chart with a pinned version from a real registry', async () => {
      const env = helmEnv(bin)
      const tgz = packageChart(bin, env, tempDir())
      execFileSync(bin, ['push', tgz, `oci://${registry.host}/charts`, '--plain-http'], {
        env,
        stdio: 'ignore'
      })
      const reference = `oci://${registry.host}/charts/remote-app`
      const repo = remoteTargetRepo(
        `      chart: ${reference}\n      version: 1.2.3\n      plainHttp: true\n`
      )
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.errors.map(e => e.message)).toEqual([])
      const [rendered] = result.rendered
      expect(rendered?.target.path).toBe('remote')
      expect(rendered?.commands[0]).toBe(
        `helm template shop ${reference} --version 1.2.3 --plain-http --namespace shop --values values/prod.yaml --set-json 'message="from prod"' --skip-tests`
      )
      await expectSameAsHelm(bin, env, repo, rendered, [
        reference,
        '--version',
        '1.2.3',
        '--plain-http'
      ])
      expect(
        (
          rendered?.resources.find(r => r.kind === 'Deployment')?.object as {
            spec: { replicas: number }
          }
        ).spec.replicas
      ).toBe(3)
      expect(fs.readdirSync(repo).sort()).toEqual(['.git', 'hydrate.yaml', 'values'])
    })
  })
})
