import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateForTest } from './helpers/engine.js'
import { formatWriteResult } from '../src/cli/pushOutput.js'
import { pathMetadata, pathReadme, rootMetadata } from '../src/argo/files.js'
import { AggregateRenderError } from '../src/errors.js'
import { GitCommandManager } from '../src/git/commandManager.js'
import { readDryCommit } from '../src/git/dryCommit.js'
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

afterAll(cleanupTempDirs)

const hydrate = hydrateForTest

function show(remote: string, spec: string): string {
  return git(remote, 'show', spec)
}

function lsTree(remote: string, ref: string): string[] {
  return git(remote, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean)
}

describe('hydrate push', () => {
  it('first hydration starts each branch as Argo CD does and writes its files byte for byte, without touching the workspace', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const drySha = git(dry, 'rev-parse', 'HEAD').trim()
    const headBefore = git(dry, 'symbolic-ref', 'HEAD')
    const { write } = await hydrate(dry)
    expect(write.pushed).toBe(true)
    expect(write.branches.map(b => [b.branch, b.status])).toEqual([
      ['env/dev', 'created'],
      ['env/prod', 'created'],
      ['env/staging', 'created']
    ])
    const refs = remoteRefs(remote)
    expect(Object.keys(refs).sort()).toEqual([
      'refs/heads/env/dev',
      'refs/heads/env/prod',
      'refs/heads/env/staging',
      'refs/heads/main',
      'refs/notes/hydrate.inputs',
      'refs/notes/hydrate.timings',
      'refs/notes/hydrator.metadata'
    ])
    for (const branch of write.branches)
      expect(refs[`refs/heads/${branch.branch}`]).toBe(branch.commit)

    // As Argo CD starts a branch: an empty "Initial commit for <branch>", then the hydrated
    // commit with Argo CD's default message, by our committer.
    const prod = 'refs/heads/env/prod'
    expect(git(remote, 'rev-list', '--count', prod).trim()).toBe('2')
    expect(git(remote, 'cat-file', '-p', `${prod}^`)).toMatch(
      /^tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor hydrate-bot <bot@example\.com> \d+ \+0000\ncommitter hydrate-bot <bot@example\.com> \d+ \+0000\n\nInitial commit for env\/prod\n$/
    )
    const raw = git(remote, 'cat-file', 'commit', prod)
    expect(raw.slice(raw.indexOf('\n\n') + 2)).toBe(
      `${drySha.slice(0, 7)}: Dry commit\n\nThe body.\n\nCo-authored-by: Test Author <author@example.com>\n`
    )
    expect(git(remote, 'log', '-1', '--format=%cn <%ce>', prod).trim()).toBe(
      'hydrate-bot <bot@example.com>'
    )

    // Files and metadata.
    expect(lsTree(remote, prod)).toEqual(
      [
        '.gitattributes',
        'hydrate.state.json',
        'hydrator.metadata',
        ...EXAMPLE_PROD_PATHS.flatMap(p => [
          `${p}/README.md`,
          `${p}/hydrator.metadata`,
          `${p}/manifest.yaml`
        ])
      ].sort()
    )
    // Argo CD's bytes (src/argo/files.ts; their rules are checked against Go elsewhere).
    const dryCommit = await readDryCommit(new GitCommandManager(dry), 'HEAD', remote)
    expect(show(remote, `${prod}:hydrator.metadata`)).toBe(rootMetadata(dryCommit))
    expect(JSON.parse(show(remote, `${prod}:hydrator.metadata`))).toMatchObject({
      repoURL: remote,
      drySha: drySha,
      author: 'Test Author <author@example.com>',
      date: '2026-01-02T03:04:05Z',
      subject: 'Dry commit',
      body: 'The body.\n'
    })
    const commands = (
      JSON.parse(show(remote, `${prod}:webapp/hydrator.metadata`)) as { commands: string[] }
    ).commands
    expect(commands[0]).toBe('helm dependency build charts/webapp')
    expect(show(remote, `${prod}:webapp/hydrator.metadata`)).toBe(pathMetadata(dryCommit, commands))
    expect(show(remote, `${prod}:webapp/README.md`)).toBe(pathReadme(dryCommit, commands))
    expect(show(remote, `${prod}:.gitattributes`)).toBe(
      '**/README.md linguist-generated=true\n**/hydrator.metadata linguist-generated=true'
    )

    // The git note on every hydrated commit.
    for (const branch of write.branches) {
      expect(
        git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', branch.commit as string)
      ).toBe(`{"drySha":"${drySha}"}\n`)
    }

    // The workspace: same HEAD, clean status, no checkout happened.
    expect(git(dry, 'symbolic-ref', 'HEAD')).toBe(headBefore)
    expect(git(dry, 'status', '--porcelain')).toBe('')
    expect(git(dry, 'rev-parse', 'HEAD').trim()).toBe(drySha)
  })

  it('is a no-op when nothing changed, and a change in one environment moves only that branch and path', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const firstSha = git(dry, 'rev-parse', 'HEAD').trim()
    await hydrate(dry)
    const first = remoteRefs(remote)

    const again = await hydrate(dry)
    expect(again.write.pushed).toBe(false)
    expect(again.write.branches.map(b => b.status)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(remoteRefs(remote)).toEqual(first)

    fs.appendFileSync(
      path.join(dry, 'environments/prod/webapp.yaml'),
      'greeting: hello from prod\n'
    )
    const second = commitAll(dry, 'Greet prod')
    const { write } = await hydrate(dry)
    const after = remoteRefs(remote)
    expect(write.branches.map(b => [b.branch, b.status])).toEqual([
      ['env/dev', 'unchanged'],
      ['env/prod', 'updated'],
      ['env/staging', 'unchanged']
    ])
    expect(write.branches[1]?.changedTargets).toEqual(['webapp-prod'])
    expect(after['refs/heads/env/dev']).toBe(first['refs/heads/env/dev'])
    expect(after['refs/heads/env/staging']).toBe(first['refs/heads/env/staging'])
    expect(git(remote, 'rev-parse', 'refs/heads/env/prod^').trim()).toBe(
      first['refs/heads/env/prod']
    )
    const changed = git(
      remote,
      'diff',
      '--name-only',
      first['refs/heads/env/prod'] as string,
      'refs/heads/env/prod'
    )
      .split('\n')
      .filter(Boolean)
    // As Argo CD: only the changed path's files move (with the root metadata and our state);
    // the other paths keep the files, and the drySha, they were written with.
    expect(changed).toEqual([
      'hydrate.state.json',
      'hydrator.metadata',
      'webapp/README.md',
      'webapp/hydrator.metadata',
      'webapp/manifest.yaml'
    ])
    expect(JSON.parse(show(remote, 'refs/heads/env/prod:webapp/hydrator.metadata')).drySha).toBe(
      second
    )
    expect(show(remote, 'refs/heads/env/prod:webapp/README.md')).toContain(
      `git checkout ${second}\n`
    )
    expect(JSON.parse(show(remote, 'refs/heads/env/prod:hydrator.metadata')).drySha).toBe(second)
    for (const dir of ['guestbook', 'cluster']) {
      expect(JSON.parse(show(remote, `refs/heads/env/prod:${dir}/hydrator.metadata`)).drySha).toBe(
        firstSha
      )
      expect(show(remote, `refs/heads/env/prod:${dir}/README.md`)).toContain(
        `git checkout ${firstSha}\n`
      )
    }
    const state = JSON.parse(show(remote, 'refs/heads/env/prod:hydrate.state.json')) as {
      drySha: string
      paths: Record<string, { drySha: string }>
    }
    expect([state.drySha, state.paths.webapp?.drySha, state.paths.guestbook?.drySha]).toEqual([
      second,
      second,
      firstSha
    ])
    expect(show(remote, 'refs/heads/env/prod:webapp/manifest.yaml')).toContain(
      '\n  GREETING: hello from prod\n'
    )
    // The unchanged branches still record the newest dry commit, in their note.
    expect(git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', 'refs/heads/env/dev')).toBe(
      `{"drySha":"${second}"}\n`
    )
  })

  it('prunes directories of targets that are gone and leaves files it does not own', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    // Someone adds an unowned file to env/dev.
    const other = tempDir()
    git(other, 'clone', '-q', '--branch', 'env/dev', remote, 'clone')
    const clone = path.join(other, 'clone')
    fs.mkdirSync(path.join(clone, 'ops'))
    fs.writeFileSync(path.join(clone, 'ops', 'runbook.md'), '# on call\n')
    git(clone, 'add', '-A')
    git(
      clone,
      '-c',
      'user.name=Ops',
      '-c',
      'user.email=ops@example.com',
      'commit',
      '-q',
      '-m',
      'runbook'
    )
    git(clone, 'push', '-q', 'origin', 'env/dev')

    // The cluster targets disappear from the config.
    const config = fs.readFileSync(path.join(dry, 'hydrate.yaml'), 'utf8')
    fs.writeFileSync(
      path.join(dry, 'hydrate.yaml'),
      config.slice(0, config.indexOf('  # Plain YAML'))
    )
    commitAll(dry, 'Drop cluster targets')
    const { write } = await hydrate(dry)
    expect(write.branches.map(b => b.pruned)).toEqual(
      ['dev', 'prod', 'staging'].map(env => [{ path: 'cluster', target: `cluster-${env}` }])
    )
    expect(write.branches[0]?.changedTargets).toContain('cluster-dev')
    expect(formatWriteResult(write, false)).toContain('env/dev: updated')
    expect(formatWriteResult(write, false)).toContain(
      '  pruned: cluster (target cluster-dev removed)\n'
    )
    const files = lsTree(remote, 'refs/heads/env/dev')
    expect(files.filter(f => f.startsWith('cluster/'))).toEqual([])
    expect(files).toContain('ops/runbook.md')
    expect(files).toContain('guestbook/manifest.yaml')
  })

  it('keeps the directories of removed targets with prune: false', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    const config = fs
      .readFileSync(path.join(dry, 'hydrate.yaml'), 'utf8')
      .replace('  layout: manifest\n', '  layout: manifest\n  prune: false\n')
    fs.writeFileSync(
      path.join(dry, 'hydrate.yaml'),
      config.slice(0, config.indexOf('  # Plain YAML'))
    )
    commitAll(dry, 'Drop cluster targets, keep their output')
    const { write } = await hydrate(dry)
    expect(write.branches.map(b => b.pruned)).toEqual([[], [], []])
    expect(lsTree(remote, 'refs/heads/env/prod')).toContain('cluster/manifest.yaml')
  })

  it('never replaces a hydration of a newer dry commit with an older one', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const older = git(dry, 'rev-parse', 'HEAD').trim()
    fs.appendFileSync(path.join(dry, 'environments/dev/webapp.yaml'), 'replicaCount: 2\n')
    const newer = commitAll(dry, 'Scale dev')
    await hydrate(dry)
    const hydrated = remoteRefs(remote)

    // A late run of the older commit (e.g. a slow workflow run).
    git(dry, 'checkout', '-q', '--detach', older)
    const { write } = await hydrate(dry)
    expect(write.pushed).toBe(false)
    expect(write.branches.map(b => b.status)).toEqual(['skipped', 'skipped', 'skipped'])
    expect(write.branches[0]?.reason).toBe(
      `env/dev is already hydrated from ${newer.slice(0, 7)}, which is newer than ${older.slice(0, 7)}`
    )
    expect(remoteRefs(remote)).toEqual(hydrated)
  })

  it('pushes nothing when any target fails to render (all-or-nothing)', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    fs.writeFileSync(
      path.join(dry, 'apps/guestbook/overlays/prod/kustomization.yaml'),
      'resources: [missing.yaml]\n'
    )
    commitAll(dry, 'Break prod')
    await expect(hydrate(dry)).rejects.toThrow(AggregateRenderError)
    await expect(hydrate(dry)).rejects.toThrow(/target guestbook-prod/)
    expect(Object.keys(remoteRefs(remote))).toEqual(['refs/heads/main'])
  })

  it('survives a real race: another clone pushes between our fetch and our push, and both changes land', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    fs.appendFileSync(path.join(dry, 'environments/dev/webapp.yaml'), 'replicaCount: 5\n')
    commitAll(dry, 'Scale dev to 5')

    const other = tempDir()
    git(other, 'clone', '-q', '--branch', 'env/dev', remote, 'clone')
    const clone = path.join(other, 'clone')
    let raced = 0
    const logger = new MemoryLogger()
    const { write } = await hydrate(dry, {
      logger,
      beforePush: async attempt => {
        if (attempt !== 1) return
        raced++
        fs.writeFileSync(path.join(clone, 'NOTICE.txt'), 'pushed by someone else\n')
        git(clone, 'add', '-A')
        git(
          clone,
          '-c',
          'user.name=Other',
          '-c',
          'user.email=other@example.com',
          'commit',
          '-q',
          '-m',
          'concurrent change'
        )
        git(clone, 'push', '-q', 'origin', 'env/dev')
      }
    })
    expect(raced).toBe(1)
    expect(write.attempts).toBe(2)
    expect(write.pushed).toBe(true)
    expect(
      logger.lines.some(l =>
        /push rejected: a branch moved since it was fetched \(attempt 1\/5\)/.test(l)
      )
    ).toBe(true)
    const theirs = git(clone, 'rev-parse', 'HEAD').trim()
    expect(git(remote, 'rev-parse', 'refs/heads/env/dev^').trim()).toBe(theirs) // rebuilt on their tip, not forced
    const files = lsTree(remote, 'refs/heads/env/dev')
    expect(files).toContain('NOTICE.txt')
    expect(show(remote, 'refs/heads/env/dev:webapp/manifest.yaml')).toContain('replicas: 5')
  })

  it('hydrates into another repository (--remote URL), and --dry-run pushes nothing', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const deploy = path.join(tempDir(), 'deploy.git')
    git(path.dirname(deploy), 'init', '-q', '--bare', deploy)
    const plan = await hydrate(dry, { remote: deploy, dryRun: true })
    expect(plan.write.pushed).toBe(false)
    expect(plan.write.branches.map(b => b.status)).toEqual(['created', 'created', 'created'])
    expect(plan.write.branches[0]?.changes.find(c => c.path === 'webapp/manifest.yaml')).toEqual({
      path: 'webapp/manifest.yaml',
      change: 'added'
    })
    expect(remoteRefs(deploy)).toEqual({})

    const { write } = await hydrate(dry, { remote: deploy })
    expect(write.pushed).toBe(true)
    expect(Object.keys(remoteRefs(deploy)).sort()).toEqual([
      'refs/heads/env/dev',
      'refs/heads/env/prod',
      'refs/heads/env/staging',
      'refs/notes/hydrate.inputs',
      'refs/notes/hydrate.timings',
      'refs/notes/hydrator.metadata'
    ])
    expect(Object.keys(remoteRefs(remote))).toEqual(['refs/heads/main']) // the dry repo's remote is untouched
    expect(JSON.parse(show(deploy, 'refs/heads/env/dev:hydrator.metadata')).repoURL).toBe(remote)
  })

  it('adds only a note when a dry commit changes no manifest', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry)
    const before = remoteRefs(remote)
    fs.writeFileSync(path.join(dry, 'CONTRIBUTING.md'), 'be nice\n')
    const docs = commitAll(dry, 'Docs only')
    const { write } = await hydrate(dry)
    expect(write.pushed).toBe(true)
    expect(write.branches.map(b => [b.status, b.note])).toEqual([
      ['unchanged', true],
      ['unchanged', true],
      ['unchanged', true]
    ])
    const after = remoteRefs(remote)
    expect(after['refs/heads/env/prod']).toBe(before['refs/heads/env/prod'])
    expect(after['refs/notes/hydrator.metadata']).not.toBe(before['refs/notes/hydrator.metadata'])
    expect(git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', 'refs/heads/env/prod')).toBe(
      `{"drySha":"${docs}"}\n`
    )
    // A second such commit: still no commit (the files carry the older drySha, the note the newer).
    fs.writeFileSync(path.join(dry, 'CONTRIBUTING.md'), 'be kind\n')
    const docs2 = commitAll(dry, 'More docs')
    const again = await hydrate(dry)
    expect(again.write.branches.map(b => b.status)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(remoteRefs(remote)['refs/heads/env/prod']).toBe(before['refs/heads/env/prod'])
    expect(git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', 'refs/heads/env/prod')).toBe(
      `{"drySha":"${docs2}"}\n`
    )
  })
  it('makes no commit when only the commands change (Argo CD commits only for a changed manifest)', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const firstSha = git(dry, 'rev-parse', 'HEAD').trim()
    await hydrate(dry)
    const before = remoteRefs(remote)
    const metadataBefore = show(remote, 'refs/heads/env/prod:webapp/hydrator.metadata')
    // An empty values file more: another helm command, the same manifest.
    fs.writeFileSync(path.join(dry, 'environments/prod/extra.yaml'), '{}\n')
    const config = fs.readFileSync(path.join(dry, 'hydrate.yaml'), 'utf8')
    fs.writeFileSync(
      path.join(dry, 'hydrate.yaml'),
      config.replace(
        'valueFiles: [environments/prod/webapp.yaml]',
        'valueFiles: [environments/prod/webapp.yaml, environments/prod/extra.yaml]'
      )
    )
    const second = commitAll(dry, 'Another values file')
    const { write, render } = await hydrate(dry)
    const prodRender = render.rendered.find(r => r.target.name === 'webapp-prod')
    expect(prodRender?.commands.join(' ')).toContain('environments/prod/extra.yaml')
    expect(write.branches.map(b => [b.branch, b.status, b.note])).toEqual([
      ['env/dev', 'unchanged', true],
      ['env/prod', 'unchanged', true],
      ['env/staging', 'unchanged', true]
    ])
    const after = remoteRefs(remote)
    expect(after['refs/heads/env/prod']).toBe(before['refs/heads/env/prod'])
    // The files still say what wrote them; the note says which dry commit was checked last.
    expect(show(remote, 'refs/heads/env/prod:webapp/hydrator.metadata')).toBe(metadataBefore)
    expect(metadataBefore).not.toContain('extra.yaml')
    expect(JSON.parse(show(remote, 'refs/heads/env/prod:hydrate.state.json')).drySha).toBe(firstSha)
    expect(git(remote, 'notes', '--ref', 'hydrator.metadata', 'show', 'refs/heads/env/prod')).toBe(
      `{"drySha":"${second}"}\n`
    )

    // The next manifest change writes that path with the commands of its render.
    fs.writeFileSync(path.join(dry, 'environments/prod/extra.yaml'), 'greeting: hi\n')
    const third = commitAll(dry, 'Greet')
    const last = await hydrate(dry)
    expect(last.write.branches.map(b => b.status)).toEqual(['unchanged', 'updated', 'unchanged'])
    const metadata = JSON.parse(show(remote, 'refs/heads/env/prod:webapp/hydrator.metadata')) as {
      drySha: string
      commands: string[]
    }
    expect(metadata.drySha).toBe(third)
    expect(metadata.commands.join(' ')).toContain('environments/prod/extra.yaml')
  })
})
