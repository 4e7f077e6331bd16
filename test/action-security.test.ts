import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import MarkdownIt from 'markdown-it'
import { base64Forms } from '../src/security/credentials.js'
import { runBundledAction, type ActionRun } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { everythingShown } from './helpers/leaks.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  git,
  makeDryWithRemote,
  remoteRefs,
  tempDir,
  writeFiles
} from './helpers/repo.js'

/**
 * A hostile pull request against the bundled action, run as the runner runs it: every
 * credential the runner sets is in the environment, and none may reach any output.
 */
const RUNNER_CREDENTIALS = {
  INPUT_TOKEN: 'ghs_InputToken0123456789abcdefABCDEF01',
  GITHUB_TOKEN: 'ghs_GithubToken0123456789abcdefABCDE02',
  ACTIONS_RUNTIME_TOKEN: 'eyJhbGciOiJSUzI1NiJ9.runtime-token-payload.sig03',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'eyJhbGciOiJSUzI1NiJ9.oidc-request-payload.sig04'
}
const SECRET = 'Hostile-PR-Secret-Value-42'

const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

const EVIL_TARGETS = `
  - { name: evil-dev, env: dev, source: charts/evil, path: evil }
  - { name: gitconfig-dev, env: dev, source: charts/gitconfig, path: gitconfig }
  - name: leak-dev
    env: dev
    source: apps/leak
    path: leak
    kustomize: { loadRestrictor: none, allowOutsideReads: true }
  - { name: typo-dev, env: dev, source: apps/typo, path: typo }
`

function hostileFiles(): Record<string, string> {
  const chart = (name: string, template: string) => ({
    [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    [`charts/${name}/templates/cm.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  stolen: {{ ${template} | quote }}\n`
  })
  const b64 = Buffer.from(SECRET).toString('base64')
  return {
    ...chart('evil', '.Files.Get "environ" | replace "\\u0000" "\\n"'),
    ...chart('gitconfig', '.Files.Get "config"'),
    'apps/leak/kustomization.yaml':
      'configMapGenerator:\n  - name: leak\n    files: [environ=/proc/self/environ]\n',
    'apps/typo/kustomization.yaml': `secretGenerator:\n  - name: db\n    literals: ["password:${SECRET}"]\n`,
    'cluster/dev/hostile.yaml': [
      `apiVersion: v1\nkind: SecretList\nitems:\n  - metadata:\n      name: from-secret-list\n    stringData:\n      password: ${SECRET}\n`,
      `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: from-list\n    data:\n      password: ${b64}\n`,
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: duplicate-keys\nstringData:\n  password: ${SECRET}\n  password: ""\n`,
      `apiVersion: example.com/v1\nkind: "Widget</code></summary></details>\\n## ✅ Approved by @acme/security-team"\nmetadata:\n  name: injected\n  annotations:\n    note: "<!-- hydrate-action:rendered-diff id=staging --> cc @acme/security-team"\n`
    ].join('---\n')
  }
}

/**
 * Everything the run put anywhere a person or another job can read it. Of the remote, the
 * environment branches and notes only: the PR's own branch holds the secret as its source.
 */
function everything(run: ActionRun, workspace: string, remote: string): string {
  const comments = [...github().comments.values()].flat().map(c => c.body)
  return everythingShown(
    run,
    workspace,
    remote,
    comments,
    ref => ref.startsWith('refs/heads/env/') || ref.startsWith('refs/notes/')
  )
}

function expectNothingSecret(text: string): void {
  for (const [name, value] of Object.entries(RUNNER_CREDENTIALS)) {
    expect({ name, found: text.includes(value) }).toEqual({ name, found: false })
    for (const form of base64Forms(value))
      expect({ name, base64: text.includes(form) }).toEqual({ name, base64: false })
  }
  expect(text).not.toContain(SECRET)
  for (const form of base64Forms(SECRET)) expect(text).not.toContain(form)
  expect(text).not.toMatch(/\[\d{1,3}( \d{1,3}){3,}\]/)
}

/** The example repo on a remote, and a PR branch with the hostile content. */
function hostilePullRequest(
  files: Record<string, string>,
  targets: string,
  number: number,
  /** Already on main, reviewed: files and targets the PR then changes. */
  base: { files: Record<string, string>; targets: string } = { files: {}, targets: '' }
) {
  const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
  if (base.targets) {
    writeFiles(dry, base.files)
    fs.appendFileSync(path.join(dry, 'hydrate.yaml'), base.targets)
    commitAll(dry, 'Reviewed: a target that reads a shared file outside the repository')
    git(dry, 'push', '-q', 'origin', 'main')
  }
  const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
  git(dry, 'checkout', '-q', '-b', 'hostile')
  writeFiles(dry, files)
  fs.appendFileSync(path.join(dry, 'hydrate.yaml'), targets)
  fs.symlinkSync('/proc/self/environ', path.join(dry, 'charts/evil/environ'))
  fs.symlinkSync('../../.git/config', path.join(dry, 'charts/gitconfig/config'))
  const headSha = commitAll(dry, 'Innocent-looking change')
  git(dry, 'push', '-q', 'origin', 'hostile')
  const workspace = checkoutWorkspace(remote, { branch: 'hostile' })
  // What actions/checkout persists: the token as a basic-auth header in .git/config.
  const basic = Buffer.from(`x-access-token:${RUNNER_CREDENTIALS.INPUT_TOKEN}`).toString('base64')
  git(workspace, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${basic}`)
  const payload = {
    number,
    pull_request: { number, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
  }
  return { dry, remote, workspace, payload, headSha }
}

describe('a hostile pull request (dist/index.js with every runner credential set)', () => {
  it('leaks no credential or secret into the comment, summary, reports, outputs, log or branches', async () => {
    const pr = hostilePullRequest(hostileFiles(), EVIL_TARGETS, 41)
    const env = { GITHUB_API_URL: github().url, ...RUNNER_CREDENTIALS }
    const run = await runBundledAction({
      workspace: pr.workspace,
      eventName: 'pull_request',
      payload: pr.payload,
      env,
      token: RUNNER_CREDENTIALS.INPUT_TOKEN
    })
    expect(run.status).toBe(1) // render errors and plaintext Secrets
    const comment = github().comments.get(41)?.[0]?.body ?? ''
    // Each escape attempt became a per-target error naming the file, not a leak.
    expect(comment).toContain('charts/evil/environ resolves to /proc/')
    expect(comment).toContain(".git/config, inside the repository's .git directory")
    expect(comment).toContain('configMapGenerator.files /proc/self/environ resolves to /proc/')
    expect(comment).toContain('invalid literal source <redacted>, expected key=value')
    // Lists expanded, every Secret masked and flagged.
    for (const name of ['from-secret-list', 'from-list', 'duplicate-keys'])
      expect(comment).toContain(
        `> - <b>plaintext-secret</b> · dev / cluster-dev · <code>Secret ${name}</code>:`
      )
    expect(comment).toContain('duplicate key &quot;password&quot; in stringData')
    // Markup from the PR stays text; our marker is the only one, at the top.
    expect(comment.startsWith('<!-- hydrate-action:rendered-diff id=default -->\n')).toBe(true)
    expect(comment.split('<!-- hydrate-action:rendered-diff').length - 1).toBe(1)
    const html = new MarkdownIt({ html: true }).render(comment)
    // The headline and one heading per added resource: none from the content.
    expect([...html.matchAll(/<h(\d)>/g)].map(m => m[1])).toEqual(['3', '4', '4', '4', '4'])
    expect(html.replace(/<pre>[\s\S]*?<\/pre>/g, '')).not.toMatch(/@acme/)
    expect(html.split(/<details[ >]/).length).toBe(html.split('</details>').length)

    expectNothingSecret(everything(run, pr.workspace, pr.remote))

    // After merge, the push of the same content is blocked and pushes nothing.
    git(pr.dry, 'checkout', '-q', 'main')
    git(pr.dry, 'merge', '-q', '--ff-only', 'hostile')
    git(pr.dry, 'push', '-q', 'origin', 'main')
    const merged = checkoutWorkspace(pr.remote)
    const push = await runBundledAction({
      workspace: merged,
      eventName: 'push',
      payload: { ref: 'refs/heads/main', after: pr.headSha },
      env: RUNNER_CREDENTIALS,
      token: RUNNER_CREDENTIALS.INPUT_TOKEN
    })
    expect(push.status).toBe(1)
    expect(Object.keys(remoteRefs(pr.remote)).filter(r => r.startsWith('refs/heads/env/'))).toEqual(
      []
    )
    expectNothingSecret(everything(push, merged, pr.remote))
  })

  it('fails closed when a rendered output would carry a credential, writing none of it', async () => {
    // main already lets a reviewed target read a shared file outside the repository; the PR
    // points it at a file that holds the runner's token.
    const outside = tempDir('hydrate-outside-')
    fs.writeFileSync(path.join(outside, 'shared.env'), 'LEVEL=info\n')
    fs.writeFileSync(path.join(outside, 'token'), `${RUNNER_CREDENTIALS.ACTIONS_RUNTIME_TOKEN}\n`)
    const generator = (file: string) =>
      `configMapGenerator:\n  - name: shared\n    files: [${path.join(outside, file)}]\n`
    const base = {
      files: { 'apps/shared/kustomization.yaml': generator('shared.env') },
      targets:
        '  - { name: shared-dev, env: dev, source: apps/shared, path: shared, kustomize: { loadRestrictor: none, allowOutsideReads: true } }\n'
    }
    const pr = hostilePullRequest(
      { ...hostileFiles(), 'apps/shared/kustomization.yaml': generator('token') },
      '',
      42,
      base
    )
    const run = await runBundledAction({
      workspace: pr.workspace,
      eventName: 'pull_request',
      payload: pr.payload,
      env: { GITHUB_API_URL: github().url, ...RUNNER_CREDENTIALS },
      token: RUNNER_CREDENTIALS.INPUT_TOKEN
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(
      /::error::the markdown report contains the run's ACTIONS_RUNTIME_TOKEN/
    )
    expect(github().comments.get(42)).toBeUndefined()
    expect(run.summary).toBe('')
    expectNothingSecret(everything(run, pr.workspace, pr.remote))
  })
})
