import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  base64Forms,
  CredentialGuard,
  credentialsInExtraHeaders
} from '../src/security/credentials.js'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { everythingShown, persistCheckoutToken } from './helpers/leaks.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  writeFiles
} from './helpers/repo.js'
import { listenOnLoopback } from './helpers/servers.js'
import { HELM_VERSIONS } from './helpers/tools.js'

/**
 * A pull request that reaches for the token actions/checkout persists in `.git/config`:
 * through a chart at the repository root (helm loads the chart's whole tree into `.Files`),
 * a kustomization at the root, a plain directory that is a nested checkout, and
 * kustomization keys spelled in another letter case (kustomize reads them as Go's JSON does).
 */
const TOKEN = 'ghs_CheckoutToken0123456789abcdefABCDEF'
const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`

function hostileFiles(remoteUrl: string): Record<string, string> {
  return {
    'Chart.yaml': 'apiVersion: v2\nname: root\nversion: 0.1.0\n',
    'templates/leak.yaml': `${CM('leak')}data:
  stolen: {{ .Files.Get ".git/config" | b64enc | b64enc | quote }}
  nested: {{ .Files.Get "vendor/.git/config" | b64enc | b64enc | quote }}
  globbed: {{ range $p, $_ := .Files.Glob "**" }}{{ $p | b64enc }},{{ end }}
`,
    'kustomization.yaml': 'configMapGenerator:\n  - name: cfg\n    files: [cfg=.git/config]\n',
    'apps/upper-resources/kustomization.yaml': `RESOURCES: [cm.yaml, ${remoteUrl}/remote.yaml]\n`,
    'apps/upper-resources/cm.yaml': CM('upper'),
    // A chart repository the base never allowed: a metadata-like path on a loopback listener.
    'charts/iam/Chart.yaml': `apiVersion: v2\nname: iam\nversion: 0.1.0\ndependencies:\n  - name: creds\n    version: ~1.0.0\n    repository: ${remoteUrl}/latest/meta-data/iam\n`,
    'charts/iam/templates/cm.yaml': CM('iam'),
    'apps/upper-generator/kustomization.yaml':
      'CONFIGMAPGENERATOR:\n  - name: cfg\n    FILES: [cfg=../../.git/config]\nREPLACEMENTS:\n  - source: {kind: ConfigMap, name: cfg, fieldPath: data.cfg}\n    targets: []\n',
    'hydrate.yaml': `version: 1
targets:
  - { name: app-dev, env: dev, source: app, path: app }
  - { name: root-chart, env: dev, source: ".", type: helm, path: root-chart, helm: { releaseName: root } }
  - { name: root-kustomize, env: dev, source: ".", type: kustomize, path: root-kustomize }
  - { name: nested-plain, env: dev, source: vendor, type: directory, path: nested-plain }
  - { name: upper-resources, env: dev, source: apps/upper-resources, path: upper-resources }
  - { name: upper-generator, env: dev, source: apps/upper-generator, path: upper-generator }
  - { name: iam-dev, env: dev, source: charts/iam, path: iam }
`
  }
}

async function hostileRun(helmBin: string, number: number) {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    res.writeHead(418, 'Teapot-From-Metadata').end('instance-role-secret')
  })
  const listener = await listenOnLoopback(server)
  try {
    const { dry, remote } = makeDryWithRemote({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: app-dev, env: dev, source: app, path: app }\n',
        'app/cm.yaml': CM('app')
      }
    })
    const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
    git(dry, 'checkout', '-q', '-b', 'hostile')
    writeFiles(dry, hostileFiles(listener.url))
    const headSha = commitAll(dry, 'A chart at the root')
    git(dry, 'push', '-q', 'origin', 'hostile')
    const workspace = checkoutWorkspace(remote, { branch: 'hostile' })
    persistCheckoutToken(workspace, TOKEN)
    // A second repository checked out into the workspace (actions/checkout with `path:`).
    const vendor = path.join(workspace, 'vendor')
    git(workspace, 'init', '-q', 'vendor')
    persistCheckoutToken(vendor, TOKEN)
    fs.writeFileSync(path.join(vendor, 'cm.yaml'), CM('vendored'))
    fs.appendFileSync(path.join(workspace, '.git', 'info', 'exclude'), 'vendor/\n')
    const run = await runBundledAction({
      workspace,
      eventName: 'pull_request',
      payload: {
        number,
        pull_request: { number, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
      },
      env: { GITHUB_API_URL: github().url, HELM_BIN: helmBin, INPUT_TOKEN: TOKEN },
      token: TOKEN
    })
    const comment = github().comments.get(number)?.[0]?.body ?? ''
    return { run, comment, requests, workspace, remote }
  } finally {
    await listener.close()
  }
}

describe.each(HELM_VERSIONS)('no render root exposes .git ($label, dist/index.js)', helm => {
  it('renders a root chart without .git, refuses .git reads and case-folded keys, leaks nothing', async () => {
    const number = helm.label === 'helm 3' ? 61 : 62
    const { run, comment, requests, workspace, remote } = await hostileRun(helm.bin, number)
    expect(run.stdout).not.toContain('::error::the markdown report contains')
    // The root chart rendered, from a copy without .git: nothing to read there.
    expect(comment).toContain('ConfigMap leak')
    expect(comment).toMatch(/stolen: ""/)
    expect(comment).toMatch(/nested: ""/)
    const globbed = /globbed: (\S*)/.exec(comment)?.[1] ?? ''
    const files = globbed
      .split(',')
      .filter(Boolean)
      .map(f => Buffer.from(f, 'base64').toString('utf8'))
    expect(files).toContain('hydrate.yaml')
    expect(files).toContain('vendor/cm.yaml')
    expect(files.filter(f => f.split('/').includes('.git'))).toEqual([])
    // The root kustomization and the upper-case generator are refused, naming the file.
    expect(comment).toContain(
      'render error</b> · dev / root-kustomize, dev / upper-generator: head: target root-kustomize: .git/config is inside the repository&#39;s .git directory'
    )
    // RESOURCES in upper case is a remote base like the lower-case spelling: never fetched.
    expect(comment).toContain('is a remote base; set kustomize.allowRemoteBases: true')
    expect(requests).toEqual([])
    expect(comment).toMatch(
      /dependency creds from http:\/\/127\.0\.0\.1:\d+\/latest\/meta-data\/iam is not under an entry of remote\.allow/
    )
    expect(comment).not.toMatch(/418|Teapot|instance-role-secret/)
    // The nested checkout renders as a plain directory, its .git never read.
    expect(comment).toContain('ConfigMap vendored')

    const shown = everythingShown(run, workspace, remote, [comment])
    const guard = new CredentialGuard([
      { name: 'token', value: TOKEN },
      ...credentialsInExtraHeaders(
        git(workspace, 'config', '--get-regexp', '^http\\..*\\.extraheader$')
      )
    ])
    expect(guard.find(shown)).toBeUndefined()
    expect(shown).not.toContain(TOKEN)
    for (const form of base64Forms(TOKEN)) expect(shown).not.toContain(form)
  })
})
