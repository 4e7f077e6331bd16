import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { verifyRepository, type VerifyOptions } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { runCli } from '../src/cli/run.js'
import { hydrateForTest, TEST_COMMITTER } from './helpers/engine.js'
import { outputSink } from './helpers/cli.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  remoteRefs,
  tempDir,
  writeFiles
} from './helpers/repo.js'
import { CM } from './helpers/manifests.js'
import { HELM3, HELM4, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

/** Two plain-YAML apps and a chart that prints the helm version, on env/dev and env/prod. */
const FILES: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'defaults:',
    '  branch: env/{env}',
    'targets:',
    '  - discover: apps/{app}/{env}',
    '    name: "{app}-{env}"',
    '    path: "{app}"',
    '  - name: version-dev',
    '    env: dev',
    '    source: charts/version',
    '    path: version',
    ''
  ].join('\n'),
  'apps/web/dev/cm.yaml': CM('web', 'dev-1'),
  'apps/web/prod/cm.yaml': CM('web', 'prod-1'),
  'apps/api/dev/cm.yaml': CM('api', 'dev-1'),
  'charts/version/Chart.yaml': 'apiVersion: v2\nname: version\nversion: 0.1.0\n',
  'charts/version/templates/cm.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: helm-version',
    'data:',
    '  major: {{ .Capabilities.HelmVersion.Version | splitList "." | first | quote }}',
    ''
  ].join('\n')
}

function verify(dry: string, extra: Partial<VerifyOptions> = {}) {
  return verifyRepository({
    repoRoot: dry,
    logger: new MemoryLogger(),
    env: toolEnv(HELM3),
    committer: TEST_COMMITTER,
    ...extra
  })
}

/** A dry repository hydrated once (helm 3) onto its bare remote, and a clone of the branches. */
async function hydrated() {
  const { dry, remote } = makeDryWithRemote({ files: FILES })
  await hydrateForTest(dry, { env: toolEnv(HELM3) })
  const work = path.join(tempDir(), 'branches')
  git(path.dirname(work), 'clone', '-q', remote, work)
  git(work, 'config', 'user.name', 'Hot Fixer')
  git(work, 'config', 'user.email', 'fixer@example.com')
  /** Commits a change to an environment branch by hand and pushes it. */
  const onBranch = (branch: string, change: (dir: string) => void) => {
    git(work, 'checkout', '-q', branch)
    change(work)
    git(work, 'add', '-A')
    git(work, 'commit', '-q', '-m', 'hand edit')
    git(work, 'push', '-q', 'origin', branch)
  }
  return { dry, remote, onBranch }
}

/** `hydrate verify ARGS` in this process, with the test toolchain (`helm`) as its environment. */
async function cli(args: string[], helm = HELM3): Promise<{ code: number; text: string }> {
  const out = outputSink()
  const env = toolEnv(helm)
  const keys = ['PATH', 'HELM_BIN', 'KUBECTL_BIN', 'HYDRATE_CHART_CACHE'] as const
  const saved = keys.map(key => [key, process.env[key]] as const)
  for (const key of keys) process.env[key] = env[key]
  try {
    return { code: await runCli(['verify', ...args], out.stream), text: out.text() }
  } finally {
    for (const [key, value] of saved)
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
  }
}

const states = (report: Awaited<ReturnType<typeof verify>>) =>
  report.branches.flatMap(b =>
    b.findings.map(f => `${b.branch}:${f.path}:${f.state}${f.repaired ? ':repaired' : ''}`)
  )

describe('hydrate verify', () => {
  it('verifies a clean hydration: every owned path equal, exit 0, one render per path', async () => {
    const { dry } = await hydrated()
    const report = await verify(dry)
    expect(states(report)).toEqual([])
    expect(report.branches.map(b => [b.branch, b.equal])).toEqual([
      ['env/dev', ['api', 'version', 'web']],
      ['env/prod', ['web']]
    ])
    expect(report.renders).toBe(4)
    const { code, text } = await cli(['-C', dry])
    expect(code).toBe(0)
    expect(text).toContain('env/dev @ ')
    expect(text).toContain('Verified: 2 branches, 4 paths equal')
  })

  it('names a hand edit (with its committer and a masked diff), a stray path, a deleted path', async () => {
    const { dry, remote, onBranch } = await hydrated()
    onBranch('env/dev', dir => {
      const file = path.join(dir, 'web/manifest.yaml')
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('dev-1', 'hotfix'))
      writeFiles(dir, { 'extra/notes.yaml': 'a: 1\n' })
      fs.rmSync(path.join(dir, 'api'), { recursive: true })
    })
    const before = remoteRefs(remote)
    const report = await verify(dry)
    expect(states(report)).toEqual([
      'env/dev:api:missing',
      'env/dev:extra/notes.yaml:stray',
      'env/dev:web:edited'
    ])
    const edited = report.branches[0]?.findings.find(f => f.state === 'edited')
    expect(edited?.committers).toEqual(['Hot Fixer <fixer@example.com>'])
    expect(edited?.diff).toContain('-  value: dev-1')
    expect(edited?.diff).toContain('+  value: hotfix')
    // Verification writes nothing.
    expect(remoteRefs(remote)).toEqual(before)
    const { code, text } = await cli(['-C', dry, '--format', 'json'])
    expect(code).toBe(1)
    const json = JSON.parse(text) as { drift: boolean; branches: Array<{ drift: boolean }> }
    expect(json.drift).toBe(true)
    expect(json.branches.map(b => b.drift)).toEqual([true, false])
  })

  it('masks Secret values in the diff of an edit', async () => {
    const { dry, remote } = makeDryWithRemote({
      files: {
        'hydrate.yaml': [
          'version: 1',
          'targets:',
          '  - name: creds',
          '    env: dev',
          '    source: creds',
          '    path: creds',
          '    allowSecrets: true',
          ''
        ].join('\n'),
        'creds/secret.yaml': [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          '  name: creds',
          'stringData:',
          '  password: rendered-s3cret',
          ''
        ].join('\n')
      }
    })
    await hydrateForTest(dry, { env: toolEnv(HELM3) })
    const work = path.join(tempDir(), 'branches')
    git(path.dirname(work), 'clone', '-q', '-b', 'env/dev', remote, work)
    const file = path.join(work, 'creds/manifest.yaml')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('rendered-s3cret', 'hand-s3cret'))
    git(work, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '-qam', 'edit')
    git(work, 'push', '-q', 'origin', 'env/dev')
    const report = await verify(dry)
    expect(states(report)).toEqual(['env/dev:creds:edited'])
    const diff = report.branches[0]?.findings[0]?.diff ?? ''
    expect(diff).toContain('-  password: "<secret: 15 bytes, before change>"')
    expect(diff).toContain('+  password: "<secret: 11 bytes, changed>"')
    expect(diff).not.toContain('s3cret')
  })

  it('--repair restores the edited path and nothing else, noted as a hydration', async () => {
    const { dry, remote, onBranch } = await hydrated()
    onBranch('env/dev', dir => {
      const file = path.join(dir, 'web/manifest.yaml')
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('dev-1', 'hotfix'))
      writeFiles(dir, { 'extra/notes.yaml': 'a: 1\n' })
    })
    const hydratedWeb = git(remote, 'rev-parse', 'env/dev~1:web/manifest.yaml').trim()
    const editedTip = git(remote, 'rev-parse', 'env/dev').trim()
    const prodTip = git(remote, 'rev-parse', 'env/prod').trim()
    const report = await verify(dry, { repair: true })
    expect(states(report)).toEqual([
      'env/dev:extra/notes.yaml:stray',
      'env/dev:web:edited:repaired'
    ])
    const tip = git(remote, 'rev-parse', 'env/dev').trim()
    expect(report.branches[0]?.head).toBe(tip)
    expect(git(remote, 'rev-parse', 'env/dev~1').trim()).toBe(editedTip)
    expect(git(remote, 'rev-parse', 'env/dev:web/manifest.yaml').trim()).toBe(hydratedWeb)
    // Only web changed: the stray file of someone else stays, prod is untouched.
    expect(git(remote, 'diff', '--name-only', editedTip, tip).trim()).toBe('web/manifest.yaml')
    expect(git(remote, 'rev-parse', 'env/prod').trim()).toBe(prodTip)
    expect(git(remote, 'notes', '--ref=hydrator.metadata', 'show', tip)).toContain('"drySha"')
    // What is left is the stray file; --prune-stray removes it.
    expect(states(await verify(dry))).toEqual(['env/dev:extra/notes.yaml:stray'])
    await verify(dry, { repair: true, pruneStray: true })
    expect(states(await verify(dry))).toEqual([])
  })

  it('names a rewritten note inconsistent', async () => {
    const { dry, remote } = await hydrated()
    // A commit of another line of history: not what the files were written from.
    const tree = git(dry, 'rev-parse', 'HEAD^{tree}').trim()
    const older = git(dry, 'commit-tree', '-m', 'elsewhere', tree).trim()
    const tip = git(remote, 'rev-parse', 'env/prod').trim()
    git(remote, 'notes', '--ref=hydrator.metadata', 'add', '-f', '-m', `{"drySha":"${older}"}`, tip)
    const report = await verify(dry)
    expect(states(report)).toEqual(['env/prod::inconsistent'])
    expect(report.branches[1]?.findings[0]?.detail).toContain(
      `the note records ${older.slice(0, 7)}`
    )
  })

  it('names a target left behind by a failed push stale, since the commit that changed it', async () => {
    const { dry } = await hydrated()
    writeFiles(dry, { 'apps/web/prod/cm.yaml': CM('web', 'prod-2') })
    const change = commitAll(dry, 'Change prod web')
    // The push fails (another target does not render): nothing is pushed.
    writeFiles(dry, { 'apps/api/dev/cm.yaml': 'kind: [broken\n' })
    commitAll(dry, 'Break api')
    await expect(hydrateForTest(dry, { env: toolEnv(HELM3) })).rejects.toThrow()
    const report = await verify(dry)
    expect(states(report)).toEqual(['env/dev:api:stale', 'env/prod:web:stale'])
    const stale = report.branches[1]?.findings[0]
    expect(stale?.since?.sha).toBe(change)
    expect(stale?.detail).toContain('apps/web/prod/cm.yaml')
  })

  it('tells a helm 3 → helm 4 difference (toolchain skew) apart from an edit', async () => {
    const { dry } = await hydrated()
    const recorded = await verify(dry, { env: toolEnv(HELM4) })
    expect(states(recorded)).toEqual(['env/dev:version:toolchain-skew'])
    const skew = recorded.branches[0]?.findings[0]
    expect(skew?.detail).toMatch(/helm 3\.\S+ → 4\./)
    expect(skew?.diff).toContain('+  major: v3')
    // Reported apart from edits: not drift unless the tools on PATH are the reference.
    const reported = await cli(['-C', dry], HELM4)
    expect(reported.code).toBe(0)
    expect(reported.text).toContain('toolchain skew: version [version-dev]')
    expect((await cli(['-C', dry, '--tools-from', 'path'], HELM4)).code).toBe(1)
  })

  it('refuses bad flags with exit 2', async () => {
    expect((await cli(['--prune-stray'])).code).toBe(2)
    expect((await cli(['--tools-from', 'nowhere'])).code).toBe(2)
  })
})
