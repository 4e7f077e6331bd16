import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { diffRepository, renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { captureStderr, outputSink } from './helpers/cli.js'
import { cleanupTempDirs, commitAll, git, makeRepo, tempDir, writeFiles } from './helpers/repo.js'
import { HELM_VERSIONS, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const TOKEN = 'ghs_HostilePrToken0000000000000000000'
const RUNNER_ENV = {
  INPUT_TOKEN: TOKEN,
  GITHUB_TOKEN: TOKEN,
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-0123456789',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-0123456789'
}
const CHART = 'apiVersion: v2\nname: evil\nversion: 0.1.0\n'

/** A repository with one target per entry (`name: source` with its options). */
function repoWith(targets: string, files: Record<string, string>): string {
  return makeRepo({ files: { 'hydrate.yaml': `version: 1\ntargets:\n${targets}`, ...files } })
}

async function render(repo: string, env: NodeJS.ProcessEnv = toolEnv()) {
  return renderRepository({
    repoRoot: repo,
    logger: new MemoryLogger(),
    env: { ...env, ...RUNNER_ENV }
  })
}

describe('render processes get an allow-listed environment', () => {
  it('hands helm PATH and HOME but none of the runner credentials', async () => {
    // A stand-in helm that renders its own environment into a ConfigMap: what any child sees.
    const bin = tempDir('hydrate-envdump-')
    const helm = path.join(bin, 'helm')
    fs.writeFileSync(
      helm,
      '#!/bin/sh\nif [ "$1" = version ]; then echo v3.99.0; exit 0; fi\nprintf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: env\\ndata:\\n  env: %s\\n" "$(env | base64 -w0)"\n',
      { mode: 0o755 }
    )
    const repo = repoWith('  - { name: app, env: dev, source: chart, path: app }\n', {
      'chart/Chart.yaml': CHART
    })
    const result = await render(repo, { ...toolEnv(), HELM_BIN: helm })
    expect(result.errors).toEqual([])
    const data = result.rendered[0]?.resources[0]?.object.data as { env: string }
    const env = Buffer.from(data.env, 'base64').toString('utf8')
    expect(env).toMatch(/^PATH=/m)
    expect(env).toMatch(/^HOME=/m)
    // No helm plugin from anywhere (a repository could ship one under a helm home).
    expect(env).toMatch(/^HELM_PLUGINS=.*no-helm-plugins-/m)
    for (const [name, value] of Object.entries(RUNNER_ENV)) {
      expect(env).not.toContain(name)
      expect(env).not.toContain(value)
    }
  })
})

describe.each(HELM_VERSIONS)('hostile charts ($label)', ({ bin }) => {
  const env = toolEnv(bin)
  const target = '  - { name: evil-dev, env: dev, source: charts/evil, path: evil }\n'

  it('refuses a chart file that is a symlink to /proc/self/environ, naming the file', async () => {
    const repo = repoWith(target, {
      'charts/evil/Chart.yaml': CHART,
      'charts/evil/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\ndata:\n  env: {{ .Files.Get "environ" | replace "\\u0000" "\\n" | quote }}\n'
    })
    fs.symlinkSync('/proc/self/environ', path.join(repo, 'charts/evil/environ'))
    const result = await render(repo, env)
    expect(result.rendered).toEqual([])
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(
        /^target evil-dev: charts\/evil\/environ resolves to \/proc\/self\/environ, a system path, never readable; a render reads only files inside the repository$/
      )
    ])
  })

  it("refuses a symlink into the repository's .git (where actions/checkout keeps the token)", async () => {
    const repo = repoWith(target, {
      'charts/evil/Chart.yaml': CHART,
      'charts/evil/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'
    })
    fs.symlinkSync('../../../.git/config', path.join(repo, 'charts/evil/templates/config'))
    const result = await render(repo, env)
    // Relative to the repository: the message does not carry the workspace's absolute path.
    expect(result.errors[0]?.message).toContain(
      "charts/evil/templates/config resolves to .git/config, inside the repository's .git directory"
    )
  })

  it('refuses a file:// dependency outside the repository', async () => {
    const outside = tempDir('hydrate-outside-')
    writeFiles(outside, { 'dep/Chart.yaml': 'apiVersion: v2\nname: dep\nversion: 0.1.0\n' })
    const repo = repoWith(target, {
      'charts/evil/Chart.yaml': `${CHART}dependencies:\n  - name: dep\n    version: 0.1.0\n    repository: file://${path.join(outside, 'dep')}\n`
    })
    const result = await render(repo, env)
    expect(result.errors[0]?.message).toMatch(
      /charts\/evil\/Chart\.yaml: dependency dep \(file:\/\/.*\) is outside the repository/
    )
  })
})

describe('hostile kustomizations', () => {
  const target = (options: string) =>
    `  - { name: k-dev, env: dev, source: k, path: k, kustomize: { ${options} } }\n`
  const generator = (file: string) =>
    `configMapGenerator:\n  - name: leak\n    files: [env=${file}]\n`

  it('refuses /proc even when outside reads are allowed', async () => {
    const repo = repoWith(target('loadRestrictor: none, allowOutsideReads: true'), {
      'k/kustomization.yaml': generator('/proc/self/environ')
    })
    const result = await render(repo)
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(
        /^target k-dev: k: configMapGenerator\.files \/proc\/self\/environ resolves to \/proc\/\d+\/environ, a system path, never readable$/
      )
    ])
  })

  it('refuses a file outside the repository unless the target allows outside reads', async () => {
    const outside = path.join(tempDir('hydrate-outside-'), 'shared.env')
    fs.writeFileSync(outside, 'LEVEL=info\n')
    const files = { 'k/kustomization.yaml': generator(outside) }
    const refused = await render(repoWith(target('loadRestrictor: none'), files))
    expect(refused.errors[0]?.message).toContain(
      'outside the repository (kustomize.allowOutsideReads is not set)'
    )
    const relative = await render(
      repoWith(target('loadRestrictor: none'), {
        'k/kustomization.yaml': generator('../../../../../../../../etc/hostname')
      })
    )
    expect(relative.errors[0]?.message).toContain('outside the repository')
    const allowed = await render(
      repoWith(target('loadRestrictor: none, allowOutsideReads: true'), files)
    )
    expect(allowed.errors).toEqual([])
    expect(allowed.rendered[0]?.resources[0]?.object.data).toEqual({ env: 'LEVEL=info\n' })
  })

  it('needs an explicit opt-in for remote bases (git::file:// reads any local repository)', async () => {
    const other = makeRepo({
      files: {
        'kustomization.yaml': 'resources: [cm.yaml]\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n'
      }
    })
    const files = { 'k/kustomization.yaml': `resources:\n  - git::file://${other}\n` }
    const refused = await render(repoWith(target('enableHelm: false'), files))
    expect(refused.errors.map(e => e.message)).toEqual([
      `target k-dev: k: resources git::file://${other} is a remote base; set kustomize.allowRemoteBases: true on the target to fetch it`
    ])
  })

  it('refuses a generator file that is a symlink leaving the repository', async () => {
    const repo = repoWith(target('enableHelm: false'), {
      'k/kustomization.yaml': generator('hosts')
    })
    fs.symlinkSync('/etc/hosts', path.join(repo, 'k/hosts'))
    const result = await render(repo)
    expect(result.errors[0]?.message).toContain(
      'k/hosts resolves to /etc/hosts, outside the repository'
    )
  })
})

describe('plain directories', () => {
  const target = '  - { name: plain-dev, env: dev, source: plain, path: plain }\n'
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`

  it('follow symlinks that stay inside, refuse ones that leave, and read a BOM file', async () => {
    const repo = repoWith(target, {
      'plain/a.yaml': `\ufeff${cm('with-bom')}`,
      'shared/b.yaml': cm('linked')
    })
    fs.symlinkSync('../shared/b.yaml', path.join(repo, 'plain/b.yaml'))
    const ok = await render(repo)
    expect(ok.errors).toEqual([])
    expect(ok.rendered[0]?.resources.map(r => r.name)).toEqual(['with-bom', 'linked'])
    fs.symlinkSync('/etc/passwd', path.join(repo, 'plain/c.yaml'))
    const refused = await render(repo)
    expect(refused.errors[0]?.message).toBe(
      'target plain-dev: plain/c.yaml resolves to /etc/passwd, outside the repository (kustomize.allowOutsideReads is not set); a render reads only files inside the repository'
    )
  })

  it('report a file that is not UTF-8 instead of committing replacement characters', async () => {
    const repo = repoWith(target, { 'plain/a.yaml': cm('x') })
    fs.writeFileSync(
      path.join(repo, 'plain/latin1.yaml'),
      Buffer.concat([
        Buffer.from(`${cm('y')}data:\n  city: M`),
        Buffer.from([0xfc]),
        Buffer.from('nchen\n')
      ])
    )
    const result = await render(repo)
    expect(result.errors.map(e => e.message)).toEqual([
      'target plain-dev: plain/latin1.yaml is not UTF-8 (byte 0xfc at offset 66); Kubernetes manifests must be UTF-8'
    ])
  })
})

describe('secret values never leave through tool errors or unusual shapes', () => {
  const VALUE = 'Pa55-word-from-generator'

  async function diffReports(
    files: Record<string, string>,
    targets: string,
    bytes: Record<string, Buffer> = {}
  ) {
    const first = '  - { name: base-dev, env: dev, source: base, path: base }\n'
    const repo = repoWith(first, {
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n'
    })
    git(repo, 'branch', 'base')
    writeFiles(repo, { ...files, 'hydrate.yaml': `version: 1\ntargets:\n${first}${targets}` })
    for (const [file, content] of Object.entries(bytes))
      fs.writeFileSync(path.join(repo, file), content)
    commitAll(repo, 'hostile change')
    const result = await diffRepository({
      repoRoot: repo,
      base: 'base',
      logger: new MemoryLogger(),
      env: { ...toolEnv(), ...RUNNER_ENV }
    })
    return {
      result,
      texts: [renderMarkdown(result.report), renderJson(result.report)]
    }
  }

  it('redacts a secretGenerator literal and an env-file line that kustomize echoes', async () => {
    const { result, texts } = await diffReports(
      {
        'lit/kustomization.yaml': `secretGenerator:\n  - name: db\n    literals: ["password:${VALUE}"]\n`,
        'envf/kustomization.yaml': 'secretGenerator:\n  - name: db\n    envs: [db.env]\n'
      },
      '  - { name: lit-dev, env: dev, source: lit, path: lit }\n  - { name: envf-dev, env: dev, source: envf, path: envf }\n',
      // A Latin-1 byte: kustomize prints the line, also as a decimal byte array.
      { 'envf/db.env': Buffer.from(`PASSWORD=caf\xe9${VALUE}\n`, 'latin1') }
    )
    const errors = result.report.targets.filter(t => t.status === 'error')
    expect(errors.map(t => t.name).sort()).toEqual(['envf-dev', 'lit-dev'])
    expect(errors.find(t => t.name === 'lit-dev')?.error).toContain(
      'invalid literal source <redacted>'
    )
    for (const text of texts) {
      expect(text).not.toContain(VALUE)
      expect(text).not.toContain(Buffer.from(VALUE).toString('base64'))
      expect(text).not.toMatch(/\[\d+( \d+){3,}\]/) // no byte arrays
    }
  })

  it('expands List and SecretList items, masks them and flags them as plaintext Secrets', async () => {
    const b64 = Buffer.from(VALUE).toString('base64')
    const { result, texts } = await diffReports(
      {
        'lists/secret-list.yaml': `apiVersion: v1\nkind: SecretList\nitems:\n  - metadata:\n      name: from-secret-list\n    stringData:\n      password: ${VALUE}\n`,
        'lists/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: from-list\n    data:\n      password: ${b64}\n`,
        'lists/dup.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: duplicate-keys\nstringData:\n  password: ${VALUE}\n  password: ""\n`,
        'lists/binary.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: binary\ndata:\n  password: !!binary ${b64}\n`
      },
      '  - { name: lists-dev, env: dev, source: lists, path: lists }\n'
    )
    const lists = result.report.targets.find(t => t.name === 'lists-dev')
    expect(lists?.status).toBe('added')
    expect(lists?.resources.map(r => `${r.kind}/${r.name}`).sort()).toEqual([
      'Secret/binary',
      'Secret/duplicate-keys',
      'Secret/from-list',
      'Secret/from-secret-list'
    ])
    const findings = result.report.findings.map(f => `${f.rule} ${f.resource}`)
    expect(findings).toEqual(
      expect.arrayContaining([
        'plaintext-secret Secret from-secret-list',
        'plaintext-secret Secret from-list',
        'plaintext-secret Secret binary'
      ])
    )
    expect(result.report.findings.find(f => f.message.includes('duplicate key'))?.message).toBe(
      'lists/dup.yaml: document 1: duplicate key "password" in stringData (line 6) (only the last is kept; Kubernetes\' strict decoding rejects it)'
    )
    for (const text of texts) {
      expect(text).not.toContain(VALUE)
      expect(text).not.toContain(b64)
    }
  })
})

describe('user input never becomes a git option, and URLs lose their credentials', () => {
  it('refuses --base=--upload-pack=… (exit 2) and runs nothing', async () => {
    const repo = makeRepo({
      files: {
        'environments/dev/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n'
      }
    })
    const marker = path.join(os.tmpdir(), `hydrate-pwned-${process.pid}`)
    const code = await runCli(
      ['diff', '-C', repo, `--base=--upload-pack=touch ${marker}; git-upload-pack`],
      outputSink().stream
    )
    expect(code).toBe(2)
    expect(fs.existsSync(marker)).toBe(false)
  })

  it('never prints a token given in a --remote URL', async () => {
    const repo = makeRepo({
      files: {
        'environments/dev/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n'
      }
    })
    const remote = `http://x-access-token:${TOKEN}@127.0.0.1:9/repo.git`
    const env = toolEnv()
    process.env.PATH = env.PATH
    process.env.KUBECTL_BIN = env.KUBECTL_BIN
    const text = await captureStderr(async () => {
      expect(await runCli(['push', '-C', repo, '--remote', remote], outputSink().stream)).toBe(1)
      expect(
        await runCli(
          ['diff', '-C', repo, '--base', 'missing', '--remote', remote],
          outputSink().stream
        )
      ).toBe(2) // a base that names nothing is a usage error
    })
    expect(text).toContain('127.0.0.1:9')
    expect(text).not.toContain(TOKEN)
  })
})

describe('a change cannot grant itself wider reads', () => {
  it('renders the diff without kustomize opt-ins that its base does not give the target', async () => {
    const outside = path.join(tempDir('hydrate-outside-'), 'shared.env')
    fs.writeFileSync(outside, 'LEVEL=info\n')
    const repo = repoWith('  - { name: k-dev, env: dev, source: k, path: k }\n', {
      'k/kustomization.yaml': 'resources: []\n'
    })
    git(repo, 'branch', 'base')
    writeFiles(repo, {
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: k-dev, env: dev, source: k, path: k, kustomize: { loadRestrictor: none, allowOutsideReads: true } }\n',
      'k/kustomization.yaml': `configMapGenerator:\n  - name: leak\n    files: [${outside}]\n`
    })
    commitAll(repo, 'widen reads')
    const logger = new MemoryLogger()
    const result = await diffRepository({
      repoRoot: repo,
      base: 'base',
      logger,
      env: { ...toolEnv(), ...RUNNER_ENV }
    })
    const target = result.report.targets.find(t => t.name === 'k-dev')
    expect(target?.status).toBe('error')
    expect(target?.error).toContain(
      'outside the repository (kustomize.allowOutsideReads is not set)'
    )
    expect(logger.lines).toContain(
      'warning: target k-dev: kustomize.allowOutsideReads, kustomize.loadRestrictor come from this change, so this diff renders without them; they apply once merged'
    )
    // Once merged (the base grants it), the same target renders.
    git(repo, 'branch', '-f', 'base', 'HEAD')
    writeFiles(repo, { 'k/extra.txt': 'x\n' })
    commitAll(repo, 'unrelated')
    const merged = await diffRepository({
      repoRoot: repo,
      base: 'base',
      full: true,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(merged.report.targets.find(t => t.name === 'k-dev')?.status).toBe('unchanged')
  })
})

describe('what an attacker tried after the first hardening', () => {
  const root = '  - { name: root-dev, env: dev, source: ., path: app }\n'

  it('reads plugin configs for the files they name: a SecretGenerator of .git/config is refused', async () => {
    const repo = repoWith(root, {
      'kustomization.yaml': 'generators: [gen.yaml]\n',
      'gen.yaml':
        'apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: stolen\nfiles: [.git/config]\n'
    })
    const result = await render(repo)
    expect(result.errors[0]?.message).toBe(
      "target root-dev: .git/config is inside the repository's .git directory; a render reads only files inside the repository"
    )
  })

  it('reads inline plugin configs too: /proc stays refused', async () => {
    const repo = repoWith(
      '  - { name: k-dev, env: dev, source: k, path: k, kustomize: { loadRestrictor: none } }\n',
      {
        'k/kustomization.yaml':
          'generators:\n  - |\n    apiVersion: builtin\n    kind: ConfigMapGenerator\n    metadata:\n      name: leak\n    files: [env=/proc/self/environ]\n'
      }
    )
    const result = await render(repo)
    expect(result.errors[0]?.message).toMatch(
      /generators files \/proc\/self\/environ resolves to \/proc\/\d+\/environ, a system path/
    )
  })

  it('treats file:// and host//path bases as remote', async () => {
    const repo = repoWith(root, {
      'kustomization.yaml': 'resources:\n  - file:///tmp/some-repo?ref=main\n'
    })
    const result = await render(repo)
    expect(result.errors[0]?.message).toContain(
      'resources file:///tmp/some-repo?ref=main is a remote base'
    )
  })

  it('checks Chart.lock and requirements files for file:// dependencies outside', async () => {
    const outside = tempDir('hydrate-outside-')
    const repo = repoWith('  - { name: app-dev, env: dev, source: app, path: app }\n', {
      'app/Chart.yaml': `${CHART}dependencies:\n  - name: sub\n    version: 0.1.0\n    repository: file://../sub\n`,
      'app/Chart.lock': `dependencies:\n  - name: sub\n    repository: file://${outside}\n    version: 0.1.0\ndigest: sha256:0\ngenerated: "2026-01-01T00:00:00Z"\n`,
      'sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n'
    })
    const result = await render(repo)
    expect(result.errors[0]?.message).toContain(
      `app/Chart.lock: dependency sub (file://${outside}) is outside the repository`
    )
  })

  it('refuses a values schema whose $ref leaves it', async () => {
    const repo = repoWith('  - { name: app-dev, env: dev, source: app, path: app }\n', {
      'app/Chart.yaml': CHART,
      'app/values.schema.json': '{"properties":{"a":{"$ref":"file:///etc/passwd"}}}'
    })
    const result = await render(repo)
    expect(result.errors[0]?.message).toBe(
      'target app-dev: app/values.schema.json: $ref "file:///etc/passwd" leaves the schema; only references inside it (#/…) are allowed'
    )
  })
})

describe('what an attacker tried after the second hardening', () => {
  const helmTarget = (options: string) =>
    `  - { name: k-dev, env: dev, source: k, path: k, kustomize: { enableHelm: true${options} } }\n`
  const chart = 'apiVersion: v2\nname: c\nversion: 0.1.0\n'

  it('refuses a helm home inside the repository (helm would run plugins from it)', async () => {
    const repo = repoWith(helmTarget(''), {
      'k/kustomization.yaml':
        'helmGlobals: { configHome: z/h }\nhelmCharts:\n  - { name: c, repo: "evil://attacker", releaseName: c }\n',
      'k/z/h/.data/plugins/evil/plugin.yaml': 'name: evil\n'
    })
    const result = await render(repo)
    expect(result.errors[0]?.message).toBe(
      'target k-dev: k: helm home z/h is refused: helm would load plugins from it, and run them'
    )
  })

  it('treats a helmCharts repo as a remote fetch and walks the whole chartHome', async () => {
    const files = {
      'k/kustomization.yaml':
        'helmCharts:\n  - { name: c, repo: "https://charts.example.com", version: 0.1.0, releaseName: c }\n',
      'k/charts/c-0.1.0/c/Chart.yaml': chart
    }
    const refused = await render(repoWith(helmTarget(''), files))
    expect(refused.errors[0]?.message).toContain(
      'k: helmCharts repo https://charts.example.com is a remote base'
    )
    const repo = repoWith(helmTarget(', allowRemoteBases: true'), files)
    fs.symlinkSync('/etc/passwd', path.join(repo, 'k/charts/c-0.1.0/c/passwd'))
    // The opt-in does not allow the host: only the config's remote.allow does.
    expect((await render(repo)).errors[0]?.message).toContain(
      'k: helmCharts repo https://charts.example.com is not under an entry of remote.allow'
    )
    fs.writeFileSync(
      path.join(repo, 'hydrate.yaml'),
      `version: 1\nremote: { allow: [https://charts.example.com] }\ntargets:\n${helmTarget(', allowRemoteBases: true')}`
    )
    const walked = await render(repo)
    expect(walked.errors[0]?.message).toContain(
      'k/charts/c-0.1.0/c/passwd resolves to /etc/passwd, outside the repository'
    )
  })

  it('reads the deprecated helmChartInflationGenerator and the plugin form for their charts', async () => {
    const deprecated = repoWith(helmTarget(''), {
      'k/kustomization.yaml':
        'helmChartInflationGenerator:\n  - { chartName: c, chartHome: anything }\n',
      'k/anything/c/Chart.yaml': chart
    })
    fs.symlinkSync('/etc/hostname', path.join(deprecated, 'k/anything/c/h'))
    expect((await render(deprecated)).errors[0]?.message).toContain(
      'k/anything/c/h resolves to /etc/hostname'
    )
    const plugin = repoWith(helmTarget(''), {
      'k/kustomization.yaml':
        'generators:\n  - |\n    apiVersion: builtin\n    kind: HelmChartInflationGenerator\n    metadata: { name: c }\n    name: c\n',
      'k/charts/c/Chart.yaml': chart
    })
    fs.symlinkSync('../../../.git/config', path.join(plugin, 'k/charts/c/g'))
    expect((await render(plugin)).errors[0]?.message).toContain(
      "resolves to .git/config, inside the repository's .git directory"
    )
  })

  it('refuses a $schema that is not a standard meta-schema, also inside a packaged subchart', async () => {
    const target = '  - { name: app-dev, env: dev, source: app, path: app }\n'
    const direct = repoWith(target, {
      'app/Chart.yaml': CHART,
      'app/values.schema.json': '{"$schema":"file:///etc/passwd"}'
    })
    expect((await render(direct)).errors[0]?.message).toBe(
      'target app-dev: app/values.schema.json: $schema "file:///etc/passwd" leaves the schema; only references inside it (#/…) are allowed'
    )
    const packaged = repoWith(target, {
      'app/Chart.yaml': CHART,
      'app/values.schema.json': '{"$schema":"http://json-schema.org/draft-07/schema#"}',
      'pkg/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
      'pkg/sub/values.schema.json': '{"properties":{"a":{"$ref":"file:///etc/passwd"}}}'
    })
    fs.mkdirSync(path.join(packaged, 'app/charts'))
    execFileSync('tar', ['czf', 'app/charts/sub-0.1.0.tgz', '-C', 'pkg', 'sub'], { cwd: packaged })
    expect((await render(packaged)).errors[0]?.message).toBe(
      'target app-dev: app/charts/sub-0.1.0.tgz:sub/values.schema.json: $ref "file:///etc/passwd" leaves the schema; only references inside it (#/…) are allowed'
    )
  })
})
