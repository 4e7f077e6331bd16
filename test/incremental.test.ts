import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateForTest } from './helpers/engine.js'
import { diffRepository, type HydrateOptions } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  EXAMPLE_TARGETS,
  git,
  makeDryWithRemote,
  remoteRefs,
  tempDir
} from './helpers/repo.js'
import { countingTools, HELM3, HELM_VERSIONS } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const BRANCHES = ['env/dev', 'env/prod', 'env/staging']

function hydrate(dry: string, env: NodeJS.ProcessEnv, extra: Partial<HydrateOptions> = {}) {
  return hydrateForTest(dry, { env, ...extra })
}

/** A second bare remote holding the same branches as `remote` (to hydrate the other way). */
function mirror(remote: string): string {
  const copy = path.join(tempDir(), 'mirror.git')
  git(path.dirname(copy), 'clone', '-q', '--mirror', remote, copy)
  return copy
}

function trees(remote: string, branches = BRANCHES): Record<string, string> {
  return Object.fromEntries(
    branches.map(b => [b, git(remote, 'rev-parse', `refs/heads/${b}^{tree}`).trim()])
  )
}

describe('incremental hydrate push', () => {
  it('renders only the targets affected since each branch was hydrated, with output identical to a full render', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const first = countingTools()
    await hydrate(dry, first.env)
    // Every helm and kustomize target once (and the flux cluster directories' nested
    // kustomization); the helmCharts overlays (metrics) run helm too.
    expect(first.count()).toBe(14)
    const other = mirror(remote)

    const overlay = path.join(dry, 'apps/guestbook/overlays/dev/replicas.yaml')
    fs.writeFileSync(
      overlay,
      fs.readFileSync(overlay, 'utf8').replace('replicas: 1', 'replicas: 3')
    )
    commitAll(dry, 'Scale dev guestbook')

    const incremental = countingTools()
    const logger = new MemoryLogger()
    const { write, render } = await hydrate(dry, incremental.env, { logger })
    expect(incremental.count()).toBe(1) // guestbook-dev, on the head only
    expect(render.rendered.filter(r => !r.reused).map(r => r.target.name)).toEqual([
      'guestbook-dev'
    ])
    expect(logger.lines).toContain(
      `rendering 1 affected of ${EXAMPLE_TARGETS.length} targets (${EXAMPLE_TARGETS.length - 1} keep their hydrated output)`
    )
    expect(write.branches.map(b => [b.branch, b.status])).toEqual([
      ['env/dev', 'updated'],
      ['env/prod', 'unchanged'],
      ['env/staging', 'unchanged']
    ])

    const full = countingTools()
    await hydrate(dry, full.env, { remote: other, full: true })
    expect(full.count()).toBe(14)
    expect(trees(remote)).toEqual(trees(other)) // byte for byte
    expect(git(remote, 'show', 'refs/heads/env/dev:guestbook/manifest.yaml')).toContain(
      'replicas: 3'
    )
  })

  it('renders again when the tool versions, the config or the recorded state say so', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    await hydrate(dry, countingTools().env)
    fs.writeFileSync(path.join(dry, 'NOTES.md'), 'unrelated\n')
    commitAll(dry, 'Docs')

    // Nothing affected: no render at all, notes only.
    const none = countingTools()
    const quiet = await hydrate(dry, none.env)
    expect(none.count()).toBe(0)
    expect(quiet.write.branches.every(b => b.status === 'unchanged' && b.note)).toBe(true)

    // Another helm version: the helm targets render again (the state records the version).
    // The same manifests: no commit, as Argo CD; the state keeps describing the files (helm
    // 4), so they render again next time too, until a manifest changes.
    const prodTip = remoteRefs(remote)['refs/heads/env/prod']
    for (let run = 0; run < 2; run++) {
      const helm3 = countingTools(HELM3)
      const logger = new MemoryLogger()
      const result = await hydrate(dry, helm3.env, { logger })
      // The helm targets, and the kustomize ones that inflate charts (kustomize + helm each).
      expect(helm3.count()).toBe(3 + 2 * 2)
      expect(logger.lines.filter(l => l.includes('tool versions changed')).sort()).toEqual(
        ['metrics-dev', 'metrics-prod', 'webapp-dev', 'webapp-prod', 'webapp-staging'].map(
          name => `debug: render ${name}: tool versions changed since the last hydration`
        )
      )
      expect(result.write.branches.map(b => b.status)).toEqual([
        'unchanged',
        'unchanged',
        'unchanged'
      ])
    }
    expect(remoteRefs(remote)['refs/heads/env/prod']).toBe(prodTip)
    const state = JSON.parse(git(remote, 'show', 'refs/heads/env/prod:hydrate.state.json')) as {
      paths: Record<string, { tools: Record<string, string> }>
    }
    expect(state.paths.webapp?.tools.helm).toBe(HELM_VERSIONS[1].version)

    // A config change renders everything.
    fs.appendFileSync(path.join(dry, 'hydrate.yaml'), '\n# reviewed\n')
    commitAll(dry, 'Touch the config')
    const config = countingTools()
    await hydrate(dry, config.env)
    expect(config.count()).toBe(14)

    // A branch without recorded hydration (deleted) renders its targets. The others render
    // again too: the config changed since the dry commit their state files record, and the
    // metadata note that moved on without a commit is a hint, not proof (docs/adr/0023).
    git(remote, 'update-ref', '-d', 'refs/heads/env/staging')
    const missing = countingTools()
    const result = await hydrate(dry, missing.env)
    expect(missing.count()).toBe(14)
    expect(result.write.branches.find(b => b.branch === 'env/staging')?.status).toBe('created')
    expect(Object.keys(remoteRefs(remote))).toContain('refs/heads/env/staging')
  })

  it('sees a change behind an in-repo symlink, in the diff and in the incremental push', async () => {
    const overlay = 'resources: [../../base]\n'
    const { dry, remote } = makeDryWithRemote({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - discover: apps/{app}/overlays/{env}\n    name: "{app}-{env}"\n    path: "{app}"\n',
        'apps/web/overlays/dev/kustomization.yaml': overlay,
        'apps/web/overlays/prod/kustomization.yaml': overlay,
        'common/base-v2/kustomization.yaml': 'resources: [cm.yaml]\n',
        'common/base-v2/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: blue\n'
      }
    })
    fs.symlinkSync('../../common/base-v2', path.join(dry, 'apps/web/base'))
    const before = commitAll(dry, 'Base through a symlink')
    await hydrate(dry, countingTools().env)
    const other = mirror(remote)

    const cm = path.join(dry, 'common/base-v2/cm.yaml')
    fs.writeFileSync(cm, fs.readFileSync(cm, 'utf8').replace('blue', 'green'))
    commitAll(dry, 'Green base')
    const diff = await diffRepository({
      repoRoot: dry,
      base: before,
      logger: new MemoryLogger(),
      env: countingTools().env
    })
    expect(diff.report.targets.map(t => [t.name, t.status])).toEqual([
      ['web-dev', 'changed'],
      ['web-prod', 'changed']
    ])
    const { write } = await hydrate(dry, countingTools().env)
    expect(write.branches.map(b => [b.branch, b.status])).toEqual([
      ['env/dev', 'updated'],
      ['env/prod', 'updated']
    ])
    expect(git(remote, 'show', 'refs/heads/env/prod:web/manifest.yaml')).toContain('color: green')
    await hydrate(dry, countingTools().env, { remote: other, full: true })
    expect(trees(remote, ['env/dev', 'env/prod'])).toEqual(trees(other, ['env/dev', 'env/prod']))
  })

  it('keeps the ordering guard in a depth-1 clone: an older run never replaces a newer hydration', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const older = git(dry, 'rev-parse', 'HEAD').trim()
    git(dry, 'branch', 'old-run', older)
    git(dry, 'push', '-q', 'origin', 'old-run')
    const overlay = path.join(dry, 'apps/guestbook/overlays/prod/replicas.yaml')
    fs.writeFileSync(
      overlay,
      fs.readFileSync(overlay, 'utf8').replace('replicas: 4', 'replicas: 8')
    )
    const newer = commitAll(dry, 'Scale prod guestbook')
    git(dry, 'push', '-q', 'origin', 'main')
    await hydrate(dry, countingTools().env)
    const hydrated = remoteRefs(remote)

    // A slow run of the older commit, in a depth-1 clone as actions/checkout makes it.
    const workspace = checkoutWorkspace(remote, { branch: 'old-run' })
    const { write } = await hydrate(workspace, countingTools().env)
    expect(write.branches.map(b => b.status)).toEqual(['skipped', 'skipped', 'skipped'])
    expect(write.branches[1]?.reason).toBe(
      `env/prod is already hydrated from ${newer.slice(0, 7)}, which is newer than ${older.slice(0, 7)}`
    )
    expect(remoteRefs(remote)).toEqual(hydrated)
  })
})
