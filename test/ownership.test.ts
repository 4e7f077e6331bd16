import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateForTest } from './helpers/engine.js'
import { formatWriteResult } from '../src/cli/pushOutput.js'
import { diffRepository } from '../src/engine.js'
import { HydrateError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import {
  cleanupTempDirs,
  commitAll,
  EXAMPLE_PROD_PATHS,
  EXAMPLE_REPO,
  git,
  makeDryWithRemote,
  remoteRefs,
  tempDir
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const hydrate = hydrateForTest

/** path → blob id of every file on a branch (below `under`, if given). */
function blobs(remote: string, branch: string, under = ''): Record<string, string> {
  const result: Record<string, string> = {}
  for (const line of git(remote, 'ls-tree', '-r', '--full-tree', `refs/heads/${branch}`).split(
    '\n'
  )) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line)
    if (match && (match[2] as string).startsWith(under))
      result[match[2] as string] = match[1] as string
  }
  return result
}

function stateOf(remote: string, branch: string) {
  return JSON.parse(git(remote, 'show', `refs/heads/${branch}:hydrate.state.json`)) as {
    drySha: string
    paths: Record<string, { target: string; drySha: string; files: string[] }>
  }
}

/** Commits files onto a remote branch from a clone, as another tool or a person would. */
function commitOnBranch(
  remote: string,
  branch: string,
  change: (clone: string) => void,
  message = 'someone else'
): void {
  const clone = path.join(tempDir(), 'clone')
  const exists = git(remote, 'branch', '--list', branch).trim() !== ''
  if (exists) git(path.dirname(clone), 'clone', '-q', '--branch', branch, remote, clone)
  else {
    git(path.dirname(clone), 'init', '-q', clone)
    git(clone, 'checkout', '-q', '-b', branch)
  }
  change(clone)
  git(clone, 'add', '-A')
  git(
    clone,
    '-c',
    'user.name=Other',
    '-c',
    'user.email=o@example.com',
    'commit',
    '-q',
    '-m',
    message
  )
  git(clone, 'push', '-q', remote, `HEAD:refs/heads/${branch}`)
}

function edit(dry: string, file: string, from: string, to: string): void {
  const full = path.join(dry, file)
  const text = fs.readFileSync(full, 'utf8')
  expect(text).toContain(from)
  fs.writeFileSync(full, text.replace(from, to))
}

/** hydrate.yaml of the example without the webapp-staging target. */
function withoutWebappStaging(dry: string): void {
  const file = path.join(dry, 'hydrate.yaml')
  const config = fs.readFileSync(file, 'utf8')
  const start = config.indexOf('  - name: webapp-staging')
  const end = config.indexOf('  - name: webapp-prod')
  fs.writeFileSync(file, config.slice(0, start) + config.slice(end))
}

describe('a --target subset', () => {
  it('renders the subset and keeps every other owned path byte for byte, with its recorded dry commit', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const first = git(dry, 'rev-parse', 'HEAD').trim()
    await hydrate(dry)
    // A remote that sees every dry commit with the whole config, for comparison at the end.
    const full = path.join(tempDir(), 'full.git')
    git(path.dirname(full), 'init', '-q', '--bare', full)
    await hydrate(dry, { remote: full })
    const before = remoteRefs(remote)
    const prodBefore = blobs(remote, 'env/prod')

    fs.appendFileSync(path.join(dry, 'environments/prod/webapp.yaml'), 'greeting: hi\n')
    edit(dry, 'apps/guestbook/overlays/prod/replicas.yaml', 'replicas: 4', 'replicas: 8')
    const second = commitAll(dry, 'Greet prod, scale guestbook')
    const { write } = await hydrate(dry, { targetFilter: ['webapp-prod'] })
    expect(write.branches.map(b => [b.branch, b.status, b.changedTargets, b.pruned])).toEqual([
      ['env/prod', 'updated', ['webapp-prod'], []]
    ])
    const prod = blobs(remote, 'env/prod')
    for (const dir of ['guestbook/', 'cluster/'])
      expect(Object.entries(prod).filter(([f]) => f.startsWith(dir))).toEqual(
        Object.entries(prodBefore).filter(([f]) => f.startsWith(dir))
      )
    expect(git(remote, 'show', 'refs/heads/env/prod:webapp/manifest.yaml')).toContain('hi')
    expect(git(remote, 'show', 'refs/heads/env/prod:guestbook/manifest.yaml')).toContain(
      'replicas: 4'
    )
    const state = stateOf(remote, 'env/prod')
    expect(state.drySha).toBe(second)
    expect(
      Object.fromEntries(Object.entries(state.paths).map(([p, o]) => [p, [o.target, o.drySha]]))
    ).toEqual({
      cluster: ['cluster-prod', first],
      'flux/apps': ['flux-apps-prod', first],
      'flux/cluster': ['flux-cluster-prod', first],
      guestbook: ['guestbook-prod', first],
      metrics: ['metrics-prod', first],
      webapp: ['webapp-prod', second]
    })
    // Branches without a target of the subset are not touched, not even by a note.
    const after = remoteRefs(remote)
    expect(after['refs/heads/env/dev']).toBe(before['refs/heads/env/dev'])
    expect(after['refs/heads/env/staging']).toBe(before['refs/heads/env/staging'])
    expect(git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', 'refs/heads/env/dev')).toBe(
      `{"drySha":"${first}"}\n`
    )

    // The next full run catches up what the subset left out (its path recorded the older commit).
    const next = await hydrate(dry)
    expect(next.render.rendered.filter(r => !r.reused).map(r => r.target.name)).toEqual([
      'guestbook-prod'
    ])
    expect(git(remote, 'show', 'refs/heads/env/prod:guestbook/manifest.yaml')).toContain(
      'replicas: 8'
    )
    await hydrate(dry, { remote: full, full: true })
    expect(git(remote, 'rev-parse', 'refs/heads/env/prod^{tree}')).toBe(
      git(full, 'rev-parse', 'refs/heads/env/prod^{tree}')
    )
  })

  it('a subset that changes nothing commits nothing and moves no note', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    fs.writeFileSync(path.join(dry, 'NOTES.md'), 'docs\n')
    commitAll(dry, 'Docs')
    const before = remoteRefs(remote)
    const { write } = await hydrate(dry, { targetFilter: ['webapp-*'] })
    expect(write.branches.map(b => [b.status, b.note])).toEqual([
      ['unchanged', false],
      ['unchanged', false],
      ['unchanged', false]
    ])
    expect(write.pushed).toBe(false)
    expect(remoteRefs(remote)).toEqual(before)
  })
})

describe('ownership on a branch others write too', () => {
  it('the first push keeps files of other tools inside target directories and apps of other hydrators', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    commitOnBranch(remote, 'env/prod', clone => {
      fs.mkdirSync(path.join(clone, 'guestbook'))
      fs.writeFileSync(path.join(clone, 'guestbook/NOTES.md'), '# guestbook notes\n')
      fs.writeFileSync(path.join(clone, 'guestbook/manifest.yaml'), '# stale\n')
      fs.mkdirSync(path.join(clone, 'legacy/app'), { recursive: true })
      fs.writeFileSync(path.join(clone, 'legacy/app/hydrator.metadata'), '{"drySha":"x"}\n')
      fs.writeFileSync(path.join(clone, 'legacy/app/manifest.yaml'), 'kind: ConfigMap\n')
    })
    const foreign = blobs(remote, 'env/prod')
    const { write } = await hydrate(dry)
    expect(write.branches.find(b => b.branch === 'env/prod')?.status).toBe('updated')
    const prod = blobs(remote, 'env/prod')
    expect(prod['guestbook/NOTES.md']).toBe(foreign['guestbook/NOTES.md'])
    expect(prod['legacy/app/hydrator.metadata']).toBe(foreign['legacy/app/hydrator.metadata'])
    expect(prod['legacy/app/manifest.yaml']).toBe(foreign['legacy/app/manifest.yaml'])
    expect(prod['guestbook/manifest.yaml']).not.toBe(foreign['guestbook/manifest.yaml']) // ours now
    expect(stateOf(remote, 'env/prod').paths.guestbook?.files).toEqual([
      'README.md',
      'hydrator.metadata',
      'manifest.yaml'
    ])

    // The guestbook targets go: our files in guestbook/ go, the notes and the other app stay.
    const file = path.join(dry, 'hydrate.yaml')
    const config = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(
      file,
      config.replace(/ {2}- discover: apps\/\{app\}[^]*?path: "\{app\}"\n/, '')
    )
    commitAll(dry, 'Drop guestbook')
    const dropped = await hydrate(dry)
    const prodAfter = blobs(remote, 'env/prod')
    expect(Object.keys(prodAfter).filter(f => f.startsWith('guestbook/'))).toEqual([
      'guestbook/NOTES.md'
    ])
    expect(prodAfter['legacy/app/manifest.yaml']).toBe(foreign['legacy/app/manifest.yaml'])
    expect(dropped.write.branches.find(b => b.branch === 'env/prod')?.pruned).toEqual([
      { path: 'guestbook', target: 'guestbook-prod' }
    ])
    expect(stateOf(remote, 'env/prod').paths.guestbook).toBeUndefined()
  })

  it('refuses to replace a file of someone else with a directory of ours, and pushes nothing', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    commitOnBranch(remote, 'env/dev', clone =>
      fs.writeFileSync(path.join(clone, 'webapp'), 'a file, not a directory\n')
    )
    const before = remoteRefs(remote)
    await expect(hydrate(dry)).rejects.toThrow(HydrateError)
    await expect(hydrate(dry)).rejects.toThrow(
      /env\/dev: cannot write webapp\/README\.md: webapp is in the way, and hydrate does not own it/
    )
    expect(remoteRefs(remote)).toEqual(before)
  })

  it('a branch written before state files existed: ownership comes from the config at its recorded dry commit', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    // As an earlier version left it: no state file; plus files of others.
    for (const env of ['dev', 'prod', 'staging'])
      commitOnBranch(remote, `env/${env}`, clone => {
        fs.rmSync(path.join(clone, 'hydrate.state.json'))
        fs.writeFileSync(path.join(clone, 'guestbook/NOTES.md'), 'notes\n')
        fs.mkdirSync(path.join(clone, 'legacy/app'), { recursive: true })
        fs.writeFileSync(path.join(clone, 'legacy/app/hydrator.metadata'), '{}\n')
      })
    // The cluster targets go, and so does webapp-staging, in a later dry commit.
    const config = fs.readFileSync(path.join(dry, 'hydrate.yaml'), 'utf8')
    fs.writeFileSync(
      path.join(dry, 'hydrate.yaml'),
      config.slice(0, config.indexOf('  # Plain YAML'))
    )
    withoutWebappStaging(dry)
    commitAll(dry, 'Drop cluster and webapp-staging')
    const logger = new MemoryLogger()
    const { write } = await hydrate(dry, { logger })
    expect(write.branches.map(b => [b.branch, b.pruned.map(p => p.path)])).toEqual([
      ['env/dev', ['cluster']],
      ['env/prod', ['cluster']],
      ['env/staging', ['cluster', 'webapp']]
    ])
    for (const env of ['dev', 'prod', 'staging']) {
      const files = Object.keys(blobs(remote, `env/${env}`))
      expect(files.filter(f => f.startsWith('cluster/'))).toEqual([])
      expect(files).toContain('guestbook/NOTES.md')
      expect(files).toContain('legacy/app/hydrator.metadata')
      expect(files).toContain('hydrate.state.json')
    }
    expect(Object.keys(stateOf(remote, 'env/staging').paths)).toEqual(['guestbook'])
  })

  it('a branch without a state file (Argo CD wrote it, or an earlier version): no manifest change, no commit', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    // Argo CD's hydrator writes the same files, without our state file.
    commitOnBranch(remote, 'env/prod', clone => fs.rmSync(path.join(clone, 'hydrate.state.json')))
    const tip = remoteRefs(remote)['refs/heads/env/prod']
    fs.writeFileSync(path.join(dry, 'NOTES.md'), 'docs\n')
    const docs = commitAll(dry, 'Docs')
    const { write } = await hydrate(dry)
    expect(write.branches.find(b => b.branch === 'env/prod')).toMatchObject({
      status: 'unchanged',
      note: true
    })
    expect(remoteRefs(remote)['refs/heads/env/prod']).toBe(tip)
    expect(Object.keys(blobs(remote, 'env/prod'))).not.toContain('hydrate.state.json')
    expect(git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', 'refs/heads/env/prod')).toBe(
      `{"drySha":"${docs}"}\n`
    )
    // Its first commit (a manifest changes) adds the state file.
    fs.appendFileSync(path.join(dry, 'environments/prod/webapp.yaml'), 'greeting: hi\n')
    commitAll(dry, 'Greet prod')
    await hydrate(dry)
    expect(Object.keys(stateOf(remote, 'env/prod').paths)).toEqual(EXAMPLE_PROD_PATHS)
  })
})

describe('a retired environment', () => {
  /** The example repo without any staging target. */
  function retireStaging(dry: string): void {
    fs.rmSync(path.join(dry, 'apps/guestbook/overlays/staging'), { recursive: true })
    fs.rmSync(path.join(dry, 'cluster/staging'), { recursive: true })
    withoutWebappStaging(dry)
  }

  it('what the PR diff reports removed, the push removes; the branch stays', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    const base = git(dry, 'rev-parse', 'HEAD').trim()
    git(remote, 'update-ref', 'refs/heads/env/staging-keep', 'refs/heads/env/staging')
    commitOnBranch(remote, 'env/staging', clone =>
      fs.writeFileSync(path.join(clone, 'guestbook/NOTES.md'), 'notes\n')
    )
    retireStaging(dry)
    const head = commitAll(dry, 'Retire staging')

    const diff = await diffRepository({
      repoRoot: dry,
      base,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const removed = diff.report.targets.filter(t => t.status === 'removed')
    expect(removed.map(t => [t.name, t.branch, t.path])).toEqual([
      ['guestbook-staging', 'env/staging', 'guestbook'],
      ['webapp-staging', 'env/staging', 'webapp'],
      ['cluster-staging', 'env/staging', 'cluster']
    ])

    const { write } = await hydrate(dry)
    const staging = write.branches.find(b => b.branch === 'env/staging')
    expect(staging?.status).toBe('updated')
    expect(staging?.pruned).toEqual([
      { path: 'cluster', target: 'cluster-staging' },
      { path: 'guestbook', target: 'guestbook-staging' },
      { path: 'webapp', target: 'webapp-staging' }
    ])
    expect(formatWriteResult(write, false)).toMatch(
      /env\/staging: updated [0-9a-f]{12}\n {2}pruned: cluster \(target cluster-staging removed\)\n {2}pruned: guestbook \(target guestbook-staging removed\)\n {2}pruned: webapp \(target webapp-staging removed\)\n/
    )
    expect(Object.keys(blobs(remote, 'env/staging')).sort()).toEqual([
      '.gitattributes',
      'guestbook/NOTES.md',
      'hydrate.state.json',
      'hydrator.metadata'
    ])
    expect(stateOf(remote, 'env/staging')).toEqual({ drySha: head, paths: {}, version: 1 })
    // The branch the other tool uses was not discovered as ours (no note on its tip).
    expect(remoteRefs(remote)['refs/heads/env/staging-keep']).toBe(
      git(remote, 'rev-parse', 'refs/heads/env/staging~2').trim()
    )

    // Nothing left to do there: later runs leave it alone.
    const refs = remoteRefs(remote)
    const again = await hydrate(dry)
    expect(again.write.branches.map(b => b.branch)).toEqual(['env/dev', 'env/prod'])
    expect(remoteRefs(remote)).toEqual(refs)
  })

  it('with prune: false its paths stay, and stay recorded as ours', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    const before = remoteRefs(remote)['refs/heads/env/staging']
    retireStaging(dry)
    const file = path.join(dry, 'hydrate.yaml')
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('  layout: manifest\n', '  layout: manifest\n  prune: false\n')
    )
    commitAll(dry, 'Retire staging, keep its output')
    const { write } = await hydrate(dry)
    expect(write.branches.map(b => b.branch)).toEqual(['env/dev', 'env/prod'])
    expect(remoteRefs(remote)['refs/heads/env/staging']).toBe(before)
    expect(Object.keys(stateOf(remote, 'env/staging').paths)).toEqual([
      'cluster',
      'guestbook',
      'webapp'
    ])
  })
})
