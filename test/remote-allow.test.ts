import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../src/engine/loadConfig.js'
import { diffRepository } from '../src/engine.js'
import { ConfigError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { RemoteAllowList } from '../src/security/remoteAllow.js'
import { cleanupTempDirs, commitAll, git, makeRepo, writeFiles } from './helpers/repo.js'
import { listenOnLoopback } from './helpers/servers.js'
import { HELM_VERSIONS, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

/** A listener on 127.0.0.1 that records every request and answers with a telling status. */
async function listener() {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    res.writeHead(418, 'Teapot-Status-From-Metadata').end('instance-secret-body')
  })
  return { ...(await listenOnLoopback(server)), requests }
}

describe('the remote allow-list', () => {
  const list = new RemoteAllowList([
    'https://charts.example.com/stable',
    'oci://ghcr.io/acme',
    'http://127.0.0.1:8080'
  ])

  it('allows URLs under an entry: same scheme, host, port, and path at a segment boundary', () => {
    for (const url of [
      'https://charts.example.com/stable',
      'https://CHARTS.example.com./stable/',
      'https://charts.example.com:443/stable/sub',
      'oci://ghcr.io/acme/charts/app',
      'http://127.0.0.1:8080/charts'
    ])
      expect({ url, refused: list.refusal(url) }).toEqual({ url, refused: undefined })
    for (const url of [
      'https://charts.example.com/stable-evil',
      'https://charts.example.com/',
      'http://charts.example.com/stable',
      'https://charts.example.com:8443/stable',
      'oci://ghcr.io/acme-evil/app',
      'https://ghcr.io/acme/app',
      'https://user:pw@charts.example.com/stable',
      'http://127.0.0.1:8081/',
      'file:///etc/passwd'
    ])
      expect({ url, refused: list.refusal(url) }).toEqual({ url, refused: expect.any(String) })
  })

  it('never allows metadata or link-local hosts, however spelled; loopback only when listed', () => {
    const everything = new RemoteAllowList(['https://charts.example.com'])
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam',
      'http://[fd00:ec2::254]/latest/meta-data',
      'http://metadata.google.internal/computeMetadata/v1',
      'http://METADATA.google.internal./',
      'http://2852039166/latest', // 169.254.169.254 as one number
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fe80::1]/',
      'oci://169.254.169.254/x',
      'http://100.100.100.200/latest/meta-data'
    ])
      expect({ url, refused: everything.refusal(url) }).toEqual({
        url,
        refused: expect.stringMatching(/never fetched from/)
      })
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://2130706433:8080/',
      'http://[::1]:8080/',
      'http://localhost:8080/'
    ])
      expect(everything.refusal(url)).toMatch(
        /loopback is fetched only from an entry that names it/
      )
    // Listed 127.0.0.1 does not open 127.0.0.2 or localhost.
    expect(list.refusal('http://127.0.0.2:8080/')).toMatch(/not under an entry/)
    expect(list.refusal('http://localhost:8080/')).toMatch(/not under an entry/)
    expect(list.refusal('http://2130706433:8080/')).toBeUndefined() // the same address
  })

  it('is validated in hydrate.yaml with file:line:col', () => {
    const error = (allow: string) => {
      const repo = makeRepo({
        files: {
          'hydrate.yaml': `version: 1\nremote:\n  allow:\n    - https://charts.example.com\n    - ${allow}\ntargets:\n  - { name: a, env: dev, source: app }\n`,
          'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n'
        }
      })
      try {
        loadConfig(repo)
      } catch (caught) {
        expect(caught).toBeInstanceOf(ConfigError)
        return (caught as Error).message
      }
      return undefined
    }
    expect(error('http://169.254.169.254')).toBe(
      'hydrate.yaml:5:7: remote.allow[1] "http://169.254.169.254" names a link-local address (cloud metadata), which is never fetched from'
    )
    expect(error('ftp://charts.example.com')).toMatch(
      /^hydrate\.yaml:5:7: remote\.allow\[1\] "ftp:\/\/charts\.example\.com" must be an http:\/\/, https:\/\/, oci:\/\/ or ssh:\/\/ URL/
    )
    expect(error('https://charts.example.com/?x=1')).toMatch(/must not hold a query or fragment/)
    expect(error('https://charts.example.com/ok')).toBeUndefined()
  })
})

/** main allows `baseAllow`; the PR adds a chart whose dependencies, and a remote chart, name the listener. */
function pullRequest(url: string, baseAllow: string[], prAllow: string[]) {
  const allow = (list: string[]) =>
    list.length ? `remote: { allow: ${JSON.stringify(list)} }\n` : ''
  // The overlay's opt-ins are the base's: only remote.allow stands between it and the listener.
  const targets =
    'targets:\n  - { name: app-dev, env: dev, source: app, path: app }\n  - { name: overlay-dev, env: dev, source: apps/overlay, path: overlay, kustomize: { enableHelm: true, allowRemoteBases: true } }\n'
  const repo = makeRepo({
    files: {
      'hydrate.yaml': `version: 1\n${allow(baseAllow)}${targets}`,
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
      'apps/overlay/kustomization.yaml': 'resources: [cm.yaml]\n',
      'apps/overlay/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: o }\n'
    }
  })
  git(repo, 'checkout', '-q', '-b', 'pr')
  writeFiles(repo, {
    'hydrate.yaml': `version: 1\n${allow(prAllow)}${targets}  - { name: chart-dev, env: dev, source: charts/x, path: x }\n  - { name: remote-dev, env: dev, path: r, helm: { repo: "${url}/charts", chart: app, version: 1.0.0 } }\n`,
    'charts/x/Chart.yaml': `apiVersion: v2\nname: x\nversion: 0.1.0\ndependencies:\n  - name: iam\n    version: ~1.0.0\n    repository: ${url}/latest/meta-data/iam\n`,
    'charts/x/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
    'apps/overlay/kustomization.yaml': `HelmCharts:\n  - name: app\n    REPO: ${url}/charts\n    version: 1.0.0\n`
  })
  commitAll(repo, 'charts from a host the base never allowed')
  return repo
}

describe.each(HELM_VERSIONS)('fetches a PR names, against a real listener ($label)', helm => {
  it('reach nothing the base did not allow, even when the PR allows it; the status is never shown', async () => {
    const server = await listener()
    try {
      const repo = pullRequest(server.url, [], [server.url])
      const logger = new MemoryLogger()
      const result = await diffRepository({
        repoRoot: repo,
        base: 'main',
        logger,
        env: toolEnv(helm.bin)
      })
      expect(server.requests).toEqual([])
      const errors = Object.fromEntries(
        result.report.targets.filter(t => t.error).map(t => [t.name, t.error])
      )
      const loopback = /is not under an entry of remote\.allow in the base's config \(loopback/
      expect(errors['chart-dev']).toMatch(
        new RegExp(`charts/x/Chart\\.yaml: dependency iam from ${server.url}/latest/meta-data/iam`)
      )
      expect(errors['chart-dev']).toMatch(loopback)
      expect(errors['remote-dev']).toMatch(loopback)
      expect(errors['overlay-dev']).toMatch(
        /helmCharts repo .* is not under an entry of remote\.allow/
      )
      const shown = JSON.stringify(result.report) + logger.lines.join('\n')
      expect(shown).not.toMatch(/418|Teapot|instance-secret-body/)
    } finally {
      await server.close()
    }
  })

  it('fetch once the base allows the host (the check is what stops them)', async () => {
    const server = await listener()
    try {
      const repo = pullRequest(server.url, [server.url], [])
      await diffRepository({
        repoRoot: repo,
        base: 'main',
        logger: new MemoryLogger(),
        env: toolEnv(helm.bin)
      })
      expect(server.requests.some(r => r.startsWith('/latest/meta-data/iam/index.yaml'))).toBe(true)
      expect(server.requests.some(r => r.startsWith('/charts/index.yaml'))).toBe(true)
    } finally {
      await server.close()
    }
  })
})

/** A TCP listener on 127.0.0.1 (an ssh server's place) that counts connections and drops them. */
async function tcpListener() {
  let connections = 0
  const server = net.createServer(socket => {
    connections++
    socket.destroy()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    connections: () => connections,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

/**
 * main grants each overlay `allowRemoteBases` and allows `baseAllow`; the PR gives each a
 * remote base on a listener, in one of kustomize's forms.
 */
function remoteBasesPullRequest(references: string[], baseAllow: string[]) {
  const allow = baseAllow.length ? `remote: { allow: ${JSON.stringify(baseAllow)} }\n` : ''
  const overlays = references.map((_, i) => `apps/overlay-${i}`)
  const targets = overlays
    .map(
      (dir, i) =>
        `  - { name: overlay-${i}, env: dev, source: ${dir}, path: o${i}, kustomize: { allowRemoteBases: true } }\n`
    )
    .join('')
  const files: Record<string, string> = {
    'hydrate.yaml': `version: 1\n${allow}targets:\n${targets}`
  }
  for (const dir of overlays) {
    files[`${dir}/kustomization.yaml`] = 'resources: [cm.yaml]\n'
    files[`${dir}/cm.yaml`] = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: o }\n'
  }
  const repo = makeRepo({ files })
  git(repo, 'checkout', '-q', '-b', 'pr')
  writeFiles(
    repo,
    Object.fromEntries(
      overlays.map((dir, i) => [
        `${dir}/kustomization.yaml`,
        `resources:\n  - cm.yaml\n  - ${references[i] as string}\n`
      ])
    )
  )
  commitAll(repo, 'remote bases on hosts the base never allowed')
  return repo
}

describe('kustomize remote bases with allowRemoteBases, against real listeners', () => {
  const forms = (http: string, sshPort: number) => [
    `${http}/latest/meta-data//iam?ref=v1`,
    `git::${http}/latest/meta-data.git//iam`,
    `ssh://git@127.0.0.1:${sshPort}/acme/repo.git`,
    // git fetches scp-like syntax over ssh whatever the user is called.
    'deploy@127.0.0.1:acme/repo'
  ]

  it('reach nothing remote.allow does not list, though the base granted the opt-in', async () => {
    const server = await listener()
    const ssh = await tcpListener()
    try {
      const references = forms(server.url, ssh.port)
      const repo = remoteBasesPullRequest(references, [])
      const logger = new MemoryLogger()
      const result = await diffRepository({ repoRoot: repo, base: 'main', logger, env: toolEnv() })
      expect(server.requests).toEqual([])
      expect(ssh.connections()).toBe(0)
      const loopback =
        "is not under an entry of remote.allow in the base's config (loopback is fetched only from an entry that names it)"
      expect(result.report.targets.map(t => t.error)).toEqual(
        references.map((reference, i) =>
          expect.stringContaining(`apps/overlay-${i}: resources ${reference} ${loopback}`)
        )
      )
      const shown = JSON.stringify(result.report) + logger.lines.join('\n')
      expect(shown).not.toMatch(/418|Teapot|instance-secret-body/)
    } finally {
      await Promise.all([server.close(), ssh.close()])
    }
  })

  it('fetch once the base lists the host (the check is what stops them)', async () => {
    const server = await listener()
    const ssh = await tcpListener()
    try {
      const [overHttp, overGit, overSsh] = forms(server.url, ssh.port)
      const repo = remoteBasesPullRequest([overHttp, overGit, overSsh] as string[], [
        server.url,
        `ssh://127.0.0.1:${ssh.port}`
      ])
      await diffRepository({
        repoRoot: repo,
        base: 'main',
        logger: new MemoryLogger(),
        env: toolEnv()
      })
      expect(server.requests).toContain('/latest/meta-data//iam?ref=v1')
      expect(server.requests).toContain('/latest/meta-data.git/info/refs?service=git-upload-pack')
      expect(ssh.connections()).toBeGreaterThan(0)
    } finally {
      await Promise.all([server.close(), ssh.close()])
    }
  })
})
