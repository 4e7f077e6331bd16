import { execFile, execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import { promisify } from 'node:util'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffRepository, renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { serializeManifests } from '../src/manifests/parse.js'
import { ChartCache } from '../src/render/chartCache.js'
import type { RenderedTarget } from '../src/render/index.js'
import { cleanupTempDirs, commitAll, git, makeRepo, tempDir, writeFiles } from './helpers/repo.js'
import { hasCommand, serveDirectory, startRegistry } from './helpers/servers.js'
import { countingTools, HELM_VERSIONS, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

afterAll(cleanupTempDirs)

// Async: the HTTP server runs in this process, so the event loop must stay free.
const execFileAsync = promisify(execFile)

/** A small chart packaged with the real helm: its output depends on values, release and version. */
function packageChart(
  bin: string,
  env: NodeJS.ProcessEnv,
  into: string,
  version = '1.2.3',
  appVersion = '9.9'
): string {
  const src = tempDir()
  writeFiles(src, {
    'remote-app/Chart.yaml': `apiVersion: v2\nname: remote-app\nversion: ${version}\nappVersion: "${appVersion}"\n`,
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
  return path.join(into, `remote-app-${version}.tgz`)
}

/** Isolated helm state, so nothing is served from a user cache. */
function helmEnv(bin: string): NodeJS.ProcessEnv {
  const home = tempDir('hydrate-helm-home-')
  return {
    ...toolEnv(bin),
    HELM_CACHE_HOME: `${home}/cache`,
    HELM_CONFIG_HOME: `${home}/config`,
    HELM_DATA_HOME: `${home}/data`,
    HYDRATE_CHART_CACHE: `${home}/chart-cache`
  }
}

/** A repository whose config allows fetching from `allow` (the base's remote.allow). */
function remoteTargetRepo(helm: string, allow: string): string {
  return makeRepo({
    files: {
      'hydrate.yaml': `version: 1\nremote: { allow: [${JSON.stringify(allow)}] }\ntargets:\n  - name: remote-prod\n    env: prod\n    path: remote\n    helm:\n${helm}      releaseName: shop\n      namespace: shop\n      valueFiles: [values/prod.yaml]\n      values: { message: "from prod" }\n`,
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
  // helm 4.2 prints what it pulled on stdout, before the manifests.
  const manifests = stdout.replace(/^(Pulled|Digest): .*\n/gm, '')
  expect(byIdentity(parseStream(serializeManifests(rendered?.resources ?? [])))).toEqual(
    byIdentity(parseStream(manifests))
  )
}

/** A chart repository served on 127.0.0.1 with the packaged chart (1.2.3, 1.2.4) and its index. */
async function chartRepository(bin: string, env: NodeJS.ProcessEnv) {
  const served = tempDir()
  packageChart(bin, env, served)
  packageChart(bin, env, served, '1.2.4', '10.0')
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
        `      repo: ${server.url}\n      chart: remote-app\n      version: 1.2.3\n`,
        server.url
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
        `      repo: ${server.url}\n      chart: remote-app\n      version: 7.7.7\n`,
        server.url
      )
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.rendered).toEqual([])
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]?.message).toMatch(
        /^target remote-prod: helm pull remote-app 7\.7\.7 exited with code 1\n/
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
        `      chart: ${reference}\n      version: 1.2.3\n      plainHttp: true\n`,
        `oci://${registry.host}/charts`
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

/** Targets on one chart repository: a remote chart in hydrate.yaml (dev, prod), a local chart with it as a dependency, a plain app. */
function shopRepo(url: string, version = '1.2.3'): string {
  const remote = (name: string, env: string) =>
    `  - name: ${name}\n    env: ${env}\n    path: shop\n    helm:\n      repo: ${url}\n      chart: remote-app\n      version: ${version}\n      releaseName: shop\n      namespace: shop\n      valueFiles: [values/common.yaml, values/${env}.yaml]\n`
  return makeRepo({
    files: {
      'hydrate.yaml': `version: 1\nremote: { allow: [${JSON.stringify(url)}] }\ntargets:\n${remote('shop-dev', 'dev')}${remote('shop-prod', 'prod')}  - name: umbrella-prod\n    env: prod\n    source: charts/umbrella\n    helm: { namespace: shop, valueFiles: [values/common.yaml] }\n  - { name: plain-prod, env: prod, source: apps/plain }\n`,
      'values/common.yaml': 'message: hello\n',
      'values/dev.yaml': 'replicas: 1\n',
      'values/prod.yaml': 'replicas: 3\n',
      'charts/umbrella/Chart.yaml': umbrellaChart(url, '1.2.3'),
      'apps/plain/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata: { a: "1" }\n'
    }
  })
}

function umbrellaChart(url: string, version: string): string {
  return `apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: remote-app\n    version: ${version}\n    repository: ${url}\n`
}

/** Commits `files` on a new branch `pr` of `repo`. */
function pullRequest(repo: string, files: Record<string, string>): void {
  git(repo, 'checkout', '-q', '-b', 'pr')
  writeFiles(repo, files)
  commitAll(repo, 'the change')
}

const downloads = (requests: readonly string[]) => requests.filter(r => r.endsWith('.tgz'))
const statuses = (targets: ReadonlyArray<{ name: string; status: string }>) =>
  Object.fromEntries(targets.map(t => [t.name, t.status]))

describe.each(HELM_VERSIONS)(
  'pinned remote charts are cached, immutable inputs on $label',
  ({ bin }) => {
    it('downloads a chart once for every target and both sides of a diff that use it', async () => {
      const env = helmEnv(bin)
      const server = await chartRepository(bin, env)
      try {
        const repo = shopRepo(server.url)
        pullRequest(repo, { 'values/common.yaml': 'message: changed\n' })
        const result = await diffRepository({
          repoRoot: repo,
          base: 'main',
          logger: new MemoryLogger(),
          env
        })
        expect(statuses(result.report.targets)).toEqual({
          'shop-dev': 'changed',
          'shop-prod': 'changed',
          'umbrella-prod': 'unchanged', // rendered (it reads the file), which sets no subchart value
          'plain-prod': 'unchanged'
        })
        expect(result.base?.rendered.map(r => r.target.name).sort()).toEqual([
          'shop-dev',
          'shop-prod',
          'umbrella-prod'
        ])
        // 6 renders (3 targets × base and head), 3 of them through a Chart.yaml dependency.
        expect(downloads(server.requests)).toEqual(['/remote-app-1.2.3.tgz'])
      } finally {
        await server.close()
      }
    })

    it('renders the same bytes from the cache with the chart server stopped', async () => {
      const env = helmEnv(bin)
      const server = await chartRepository(bin, env)
      const repo = shopRepo(server.url)
      const render = async () => {
        const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
        expect(result.errors.map(e => e.message)).toEqual([])
        return result.rendered.map(r => [
          r.target.name,
          r.commands,
          serializeManifests(r.resources)
        ])
      }
      let online: unknown[]
      try {
        online = await render()
      } finally {
        await server.close()
      }
      const requestsOnline = server.requests.length
      expect(await render()).toEqual(online)
      expect(server.requests).toHaveLength(requestsOnline)
      const umbrella = online.find(r => (r as string[])[0] === 'umbrella-prod') as [
        string,
        string[],
        string
      ]
      expect(umbrella[1][0]).toBe('helm dependency build charts/umbrella')
      // What helm's own `dependency build` and `template` give for the umbrella chart.
      const copy = tempDir()
      fs.cpSync(path.join(repo, 'charts/umbrella'), copy, { recursive: true })
      const online2 = await chartRepository(bin, env) // a new server: the cached bytes are the same chart
      try {
        fs.writeFileSync(path.join(copy, 'Chart.yaml'), umbrellaChart(online2.url, '1.2.3'))
        await execFileAsync(bin, ['dependency', 'build', copy], { env })
        const { stdout } = await execFileAsync(
          bin,
          [
            'template',
            'umbrella',
            copy,
            '--namespace',
            'shop',
            '-f',
            path.join(repo, 'values/common.yaml')
          ],
          { env, encoding: 'utf8' }
        )
        expect(byIdentity(parseStream(umbrella[2]))).toEqual(byIdentity(parseStream(stdout)))
      } finally {
        await online2.close()
      }
    })

    it('leaves pinned remote-chart targets unaffected by a change to another app, with the chart server stopped', async () => {
      const env = helmEnv(bin)
      const server = await chartRepository(bin, env)
      await server.close()
      const repo = shopRepo(server.url)
      writeFiles(repo, {
        'hydrate.yaml': `${fs.readFileSync(path.join(repo, 'hydrate.yaml'), 'utf8')}  - name: overlay-prod\n    env: prod\n    source: apps/overlay\n    kustomize: { enableHelm: true, allowRemoteBases: true }\n`,
        'apps/overlay/kustomization.yaml': `helmCharts:\n  - name: remote-app\n    repo: ${server.url}\n    version: 1.2.3\n    releaseName: overlay\n`
      })
      commitAll(repo, 'a kustomize overlay on the remote chart')
      pullRequest(repo, {
        'apps/plain/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata: { a: "2" }\n'
      })
      const tools = countingTools(bin)
      const result = await diffRepository({
        repoRoot: repo,
        base: 'main',
        logger: new MemoryLogger(),
        env: {
          ...tools.env,
          ...env,
          HELM_BIN: tools.env.HELM_BIN,
          KUBECTL_BIN: tools.env.KUBECTL_BIN
        }
      })
      expect(statuses(result.report.targets)).toEqual({
        'shop-dev': 'unchanged',
        'shop-prod': 'unchanged',
        'umbrella-prod': 'unchanged',
        'plain-prod': 'changed',
        'overlay-prod': 'unchanged'
      })
      expect(result.report.targets.filter(t => t.error)).toEqual([])
      expect(tools.count()).toBe(0) // a plain directory needs no process
      expect(server.requests).toEqual([])
    })

    it('makes a target affected when its pinned version changes', async () => {
      const env = helmEnv(bin)
      const server = await chartRepository(bin, env)
      try {
        const repo = shopRepo(server.url)
        pullRequest(repo, { 'charts/umbrella/Chart.yaml': umbrellaChart(server.url, '1.2.4') })
        const result = await diffRepository({
          repoRoot: repo,
          base: 'main',
          logger: new MemoryLogger(),
          env
        })
        expect(statuses(result.report.targets)).toEqual({
          'shop-dev': 'unchanged',
          'shop-prod': 'unchanged',
          'umbrella-prod': 'changed',
          'plain-prod': 'unchanged'
        })
        const umbrella = result.report.targets.find(t => t.name === 'umbrella-prod')
        expect(umbrella?.resources.map(r => [r.kind, r.change])).toEqual([
          ['ConfigMap', 'modified']
        ])
        expect(umbrella?.resources[0]?.diff).toMatch(/^-\s+version: "9\.9"$/m)
        expect(umbrella?.resources[0]?.diff).toMatch(/^\+\s+version: "10\.0"$/m)
        expect(downloads(server.requests).sort()).toEqual([
          '/remote-app-1.2.3.tgz',
          '/remote-app-1.2.4.tgz'
        ])
      } finally {
        await server.close()
      }
    })

    it('keeps a chart pinned to a range affected, and says why', async () => {
      const env = helmEnv(bin)
      const server = await chartRepository(bin, env)
      try {
        const repo = shopRepo(server.url, '~1.2.3')
        pullRequest(repo, {
          'apps/plain/cm.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata: { a: "2" }\n'
        })
        const logger = new MemoryLogger()
        const result = await diffRepository({ repoRoot: repo, base: 'main', logger, env })
        expect(result.head.rendered.map(r => r.target.name).sort()).toEqual([
          'plain-prod',
          'shop-dev',
          'shop-prod'
        ])
        expect(logger.lines).toContain(
          `affected: shop-dev (always rendered: hydrate.yaml: chart remote-app from ${server.url} is not pinned to a version (version "~1.2.3" is a range))`
        )
        expect(statuses(result.report.targets)['shop-prod']).toBe('unchanged')
        // A range is resolved anew by every render: nothing is cached for it (the range resolves to 1.2.4).
        expect(downloads(server.requests)).toEqual(Array(4).fill('/remote-app-1.2.4.tgz'))
      } finally {
        await server.close()
      }
    })
  }
)

describe('the chart cache', () => {
  const env = helmEnv(HELM_VERSIONS[1].bin)
  const packaged = tempDir()
  const v123 = packageChart(HELM_VERSIONS[1].bin, env, packaged)
  const chart = { repo: 'https://charts.example.com', chart: 'remote-app', version: '1.2.3' }
  const copying = (file: string) => {
    const calls: string[] = []
    return {
      calls,
      download: async (into: string) => {
        calls.push(into)
        fs.copyFileSync(file, path.join(into, path.basename(file)))
      }
    }
  }

  it('stores an archive once, with its sha256, and serves it to a new run', async () => {
    const dir = tempDir()
    const first = copying(v123)
    const fetched = await new ChartCache(dir).fetch(chart, first.download)
    expect(fetched.downloaded).toBe(true)
    expect(fetched.sha256).toBe(
      crypto.createHash('sha256').update(fs.readFileSync(v123)).digest('hex')
    )
    const again = copying(v123)
    const hit = await new ChartCache(dir).fetch(chart, again.download)
    expect(again.calls).toEqual([])
    expect(hit).toEqual({ ...fetched, downloaded: false })
    expect(fs.readFileSync(hit.archive)).toEqual(fs.readFileSync(v123))
  })

  it('refuses an archive whose own Chart.yaml is not the chart and version asked for', async () => {
    const v124 = packageChart(HELM_VERSIONS[1].bin, env, tempDir(), '1.2.4')
    const dir = tempDir()
    await expect(new ChartCache(dir).fetch(chart, copying(v124).download)).rejects.toThrow(
      'the archive downloaded for chart remote-app from https://charts.example.com 1.2.3 holds version 1.2.4, not 1.2.3'
    )
    await expect(
      new ChartCache(dir).fetch({ ...chart, chart: 'other-app' }, copying(v123).download)
    ).rejects.toThrow(/holds chart remote-app, not other-app$/)
    expect(fs.readdirSync(dir)).toEqual([]) // nothing stored
  })

  it('downloads again over an entry whose archive no longer matches its sha256', async () => {
    const dir = tempDir()
    const logger = new MemoryLogger()
    const { archive } = await new ChartCache(dir).fetch(chart, copying(v123).download)
    fs.appendFileSync(archive, 'tampered')
    const again = copying(v123)
    const fetched = await new ChartCache(dir, logger).fetch(chart, again.download)
    expect(again.calls).toHaveLength(1)
    expect(fs.readFileSync(fetched.archive)).toEqual(fs.readFileSync(v123))
    expect(logger.lines).toContain(
      'warning: chart cache: the entry for remote-app from https://charts.example.com 1.2.3 does not match its recorded sha256; downloading it again'
    )
  })
})
