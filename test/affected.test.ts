import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../src/engine/loadConfig.js'
import { diffRepository } from '../src/engine.js'
import { GitCommandManager } from '../src/git/commandManager.js'
import { MemoryLogger } from '../src/logger.js'
import { affectedTargets, changedFiles } from '../src/targets/affected.js'
import { dependsOn } from '../src/targets/dependencies.js'
import { targetDependencies } from '../src/targets/dependencyIndex.js'
import {
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  EXAMPLE_TARGETS,
  git,
  makeRepo,
  tempDir,
  writeFiles
} from './helpers/repo.js'
import { countingTools } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`

/** One kustomize target `app` at apps/app, plus whatever files the case needs. */
function kustomizeRepo(
  kustomization: string,
  files: Record<string, string>,
  kustomizationName = 'kustomization.yaml'
): string {
  return makeRepo({
    files: {
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: app, env: prod, source: apps/app }\n  - { name: other, env: prod, source: other }\n',
      'other/cm.yaml': CM('other'),
      [`apps/app/${kustomizationName}`]: kustomization,
      ...files
    }
  })
}

function depsOf(repo: string, name = 'app') {
  const config = loadConfig(repo)
  return targetDependencies(
    repo,
    config.targets.find(t => t.name === name)!
  )
}

describe('reverse index: kustomization fields', () => {
  const cases: Array<[string, string, Record<string, string>, string]> = [
    [
      'resources (file)',
      'resources: [cm.yaml]\n',
      { 'apps/app/cm.yaml': CM('a') },
      'apps/app/cm.yaml'
    ],
    [
      'resources (directory, recursively)',
      'resources: [../../base]\n',
      { 'base/kustomization.yaml': 'resources: [cm.yaml]\n', 'base/cm.yaml': CM('a') },
      'base/cm.yaml'
    ],
    [
      'bases',
      'bases: [../../base]\n',
      { 'base/kustomization.yml': 'resources: [cm.yaml]\n', 'base/cm.yaml': CM('a') },
      'base/kustomization.yml'
    ],
    [
      'components',
      'resources: [cm.yaml]\ncomponents: [../../components/extra]\n',
      {
        'apps/app/cm.yaml': CM('a'),
        'components/extra/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [x.yaml]\n',
        'components/extra/x.yaml': CM('x')
      },
      'components/extra/x.yaml'
    ],
    [
      'patches[].path',
      'resources: [cm.yaml]\npatches:\n  - path: ../../patches/label.yaml\n',
      { 'apps/app/cm.yaml': CM('a'), 'patches/label.yaml': CM('a') },
      'patches/label.yaml'
    ],
    [
      'patchesStrategicMerge',
      'resources: [cm.yaml]\npatchesStrategicMerge: [smp.yaml]\n',
      { 'apps/app/cm.yaml': CM('a'), 'apps/app/smp.yaml': CM('a') },
      'apps/app/smp.yaml'
    ],
    [
      'patchesJson6902',
      'resources: [cm.yaml]\npatchesJson6902:\n  - target: {version: v1, kind: ConfigMap, name: a}\n    path: json.yaml\n',
      {
        'apps/app/cm.yaml': CM('a'),
        'apps/app/json.yaml': '- {op: add, path: /data, value: {}}\n'
      },
      'apps/app/json.yaml'
    ],
    [
      'configMapGenerator files (key=path)',
      'configMapGenerator:\n  - name: c\n    files: [app.conf=../../conf/app.conf]\n',
      { 'conf/app.conf': 'x=1\n' },
      'conf/app.conf'
    ],
    [
      'secretGenerator envs',
      'secretGenerator:\n  - name: s\n    envs: [secret.env]\n',
      { 'apps/app/secret.env': 'A=1\n' },
      'apps/app/secret.env'
    ],
    [
      'replacements path',
      'resources: [cm.yaml]\nreplacements:\n  - path: repl.yaml\n',
      { 'apps/app/cm.yaml': CM('a'), 'apps/app/repl.yaml': '[]\n' },
      'apps/app/repl.yaml'
    ],
    [
      'helmCharts + chartHome + valuesFile',
      'helmGlobals: {chartHome: ../../charts}\nhelmCharts:\n  - name: mychart\n    valuesFile: values-prod.yaml\n',
      {
        'charts/mychart/Chart.yaml': 'apiVersion: v2\nname: mychart\nversion: 0.1.0\n',
        'charts/mychart/templates/cm.yaml': CM('c'),
        'apps/app/values-prod.yaml': 'a: 1\n'
      },
      'charts/mychart/templates/cm.yaml'
    ],
    [
      'crds',
      'resources: [cm.yaml]\ncrds: [crd.yaml]\n',
      { 'apps/app/cm.yaml': CM('a'), 'apps/app/crd.yaml': CM('crd') },
      'apps/app/crd.yaml'
    ],
    [
      'openapi.path',
      'resources: [cm.yaml]\nopenapi:\n  path: schema.json\n',
      { 'apps/app/cm.yaml': CM('a'), 'apps/app/schema.json': '{}' },
      'apps/app/schema.json'
    ],
    [
      'transformers',
      'resources: [cm.yaml]\ntransformers: [labels.yaml]\n',
      { 'apps/app/cm.yaml': CM('a'), 'apps/app/labels.yaml': CM('t') },
      'apps/app/labels.yaml'
    ],
    [
      'helmCharts additionalValuesFiles',
      'helmCharts:\n  - name: mychart\n    additionalValuesFiles: [../../shared/values.yaml]\n',
      {
        'apps/app/charts/mychart/Chart.yaml': 'apiVersion: v2\nname: mychart\nversion: 0.1.0\n',
        'shared/values.yaml': 'a: 1\n'
      },
      'shared/values.yaml'
    ],
    [
      'the Kustomization file name',
      'resources: [cm.yaml]\n',
      { 'apps/app/cm.yaml': CM('a') },
      'apps/app/Kustomization'
    ]
  ]

  it.each(cases)('%s', (_title, kustomization, files, dependency) => {
    const name = dependency.endsWith('/Kustomization') ? 'Kustomization' : 'kustomization.yaml'
    const repo = kustomizeRepo(kustomization, files, name)
    const deps = depsOf(repo)
    expect(deps.unresolved).toEqual([])
    expect(dependsOn(deps, dependency)).toBe(true)
    expect(dependsOn(deps, 'other/cm.yaml')).toBe(false)
    const config = loadConfig(repo)
    const result = affectedTargets(config, config.targets, [dependency])
    expect([...result.affected]).toEqual(['app'])
    expect(result.reasons.get('app')).toBe(`${dependency} changed`)
  })

  it('ignores files in the directory that the kustomization does not reference', () => {
    const repo = kustomizeRepo('resources: [cm.yaml]\n', {
      'apps/app/cm.yaml': CM('a'),
      'apps/app/README.md': 'notes\n'
    })
    expect(dependsOn(depsOf(repo), 'apps/app/README.md')).toBe(false)
  })

  it('treats a remote base and an unparseable kustomization as affected', () => {
    const remote = kustomizeRepo(
      'resources:\n  - https://github.com/org/repo//deploy?ref=v1.0.0\n',
      {}
    )
    expect(depsOf(remote).unresolved[0]).toMatch(/remote resources https:\/\/github\.com/)
    const broken = kustomizeRepo('resources: [\n', {})
    expect(depsOf(broken).unresolved[0]).toMatch(/does not parse/)
    for (const repo of [remote, broken]) {
      const config = loadConfig(repo)
      const result = affectedTargets(config, config.targets, ['unrelated.txt'])
      expect([...result.affected]).toEqual(['app'])
      expect(result.reasons.get('app')).toMatch(/^cannot resolve /)
    }
  })

  it('a remote helm chart pinned to a version is an immutable input; an unpinned one is always affected', () => {
    const chart = (version: string) =>
      kustomizeRepo(
        `helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n${version}`,
        {}
      )
    const affects = (repo: string, changed: string[]) => {
      const config = loadConfig(repo)
      return affectedTargets(config, config.targets, changed)
    }
    const pinned = chart('    version: 1.0.0\n')
    expect(depsOf(pinned).unresolved).toEqual([])
    expect(depsOf(pinned).unpinned).toEqual([])
    expect([...affects(pinned, ['unrelated.txt']).affected]).toEqual([])
    expect(affects(pinned, ['apps/app/kustomization.yaml']).reasons.get('app')).toBe(
      'apps/app/kustomization.yaml changed'
    )
    for (const [version, why] of <Array<[string, string]>>[
      ['    version: ^1.0.0\n', 'version "^1.0.0" is a range'],
      ['    version: "1.x"\n', 'version "1.x" is a range'],
      ['', 'it names no version']
    ]) {
      const result = affects(chart(version), ['unrelated.txt'])
      expect([...result.affected]).toEqual(['app'])
      expect(result.reasons.get('app')).toBe(
        `always rendered: apps/app: chart redis from https://charts.example.com is not pinned to a version (${why})`
      )
    }
  })
})

describe('reverse index: remote chart dependencies of a local chart', () => {
  /** A target `app` on chart charts/app whose Chart.yaml depends on redis `version`. */
  function chartRepo(version: string, lock?: string): string {
    return makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: app, env: prod, source: charts/app }\n  - { name: other, env: prod, source: other }\n',
        'other/cm.yaml': CM('other'),
        'charts/app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: ${version}\n    repository: https://charts.example.com/\n`,
        ...(lock ? { 'charts/app/Chart.lock': lock } : {})
      }
    })
  }
  const affected = (repo: string, changed: string[]) => {
    const config = loadConfig(repo)
    return affectedTargets(config, config.targets, changed).reasons
  }
  const LOCK = (version: string) =>
    `dependencies:\n- name: redis\n  repository: https://charts.example.com\n  version: ${version}\ndigest: sha256:0\n`

  it('an exact version, or a range that Chart.lock pins, is affected only through the chart directory', () => {
    for (const repo of [chartRepo('18.1.5'), chartRepo('^18.1.0', LOCK('18.1.5'))]) {
      expect(depsOf(repo).unpinned).toEqual([])
      expect(depsOf(repo).unresolved).toEqual([])
      expect([...affected(repo, ['other/cm.yaml']).keys()]).toEqual(['other'])
      expect(affected(repo, ['charts/app/Chart.yaml']).get('app')).toBe(
        'charts/app/Chart.yaml changed'
      )
      expect(affected(repo, ['charts/app/Chart.lock']).get('app')).toBe(
        'charts/app/Chart.lock changed'
      )
    }
  })

  it('a range without a lock, or with a lock that pins a range, is always affected and says why', () => {
    for (const repo of [chartRepo('^18.1.0'), chartRepo('^18.1.0', LOCK('^18'))])
      expect(affected(repo, ['other/cm.yaml']).get('app')).toBe(
        'always rendered: charts/app: chart redis from https://charts.example.com/ is not pinned to a version (version "^18.1.0" is a range)'
      )
  })
})

describe('reverse index: symlinks resolve to real paths', () => {
  /** A repo with `files`, then `links` (path → target) as real symlinks, committed. */
  function repoWithLinks(files: Record<string, string>, links: Record<string, string>): string {
    const repo = makeRepo({ files })
    for (const [link, target] of Object.entries(links)) {
      fs.mkdirSync(path.dirname(path.join(repo, link)), { recursive: true })
      fs.symlinkSync(target, path.join(repo, link))
    }
    commitAll(repo, 'links')
    return repo
  }
  const affects = (repo: string, changed: string[]) => {
    const config = loadConfig(repo)
    return [...affectedTargets(config, config.targets, changed).affected].sort()
  }
  const TWO = (app: string) =>
    `version: 1\ntargets:\n  - { name: app, env: prod, source: ${app} }\n  - { name: other, env: prod, source: other }\n`

  it('a kustomize base reached through a symlinked directory: its real files, the symlink, and references resolved from the real directory', () => {
    const repo = repoWithLinks(
      {
        'hydrate.yaml': TWO('apps/web/overlays/dev'),
        'other/cm.yaml': CM('other'),
        'apps/web/overlays/dev/kustomization.yaml': 'resources: [../../base]\n',
        'common/base-v2/kustomization.yaml': 'resources: [cm.yaml, ../shared]\n',
        'common/base-v2/cm.yaml': CM('base'),
        'common/shared/kustomization.yaml': 'resources: [cm.yaml]\n',
        'common/shared/cm.yaml': CM('shared'),
        'apps/web/shared/kustomization.yaml': 'resources: [cm.yaml]\n',
        'apps/web/shared/cm.yaml': CM('decoy')
      },
      { 'apps/web/base': '../../common/base-v2' }
    )
    expect(depsOf(repo).unresolved).toEqual([])
    expect(affects(repo, ['common/base-v2/cm.yaml'])).toEqual(['app'])
    expect(affects(repo, ['common/base-v2/kustomization.yaml'])).toEqual(['app'])
    expect(affects(repo, ['common/shared/cm.yaml'])).toEqual(['app']) // kustomize reads ../shared from the real directory
    expect(affects(repo, ['apps/web/base'])).toEqual(['app']) // the symlink itself retargeted
    expect(affects(repo, ['apps/web/shared/cm.yaml'])).toEqual([])
  })

  it('symlinked files (a resource, a generator file, a value file) count by their real path', () => {
    const repo = repoWithLinks(
      {
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: app, env: prod, source: apps/app }\n  - name: chart\n    env: prod\n    source: charts/c\n    helm: { valueFiles: [values/prod.yaml] }\n',
        'apps/app/kustomization.yaml':
          'resources: [cm.yaml]\nconfigMapGenerator:\n  - name: g\n    files: [app.conf]\n',
        'shared/cm.yaml': CM('a'),
        'shared/app.conf': 'x=1\n',
        'shared/prod.yaml': 'a: 1\n',
        'charts/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
        'shared/templates/cm.yaml': CM('t')
      },
      {
        'apps/app/cm.yaml': '../../shared/cm.yaml',
        'apps/app/app.conf': '../../shared/app.conf',
        'values/prod.yaml': '../shared/prod.yaml',
        'charts/c/templates': '../../shared/templates'
      }
    )
    expect(affects(repo, ['shared/cm.yaml'])).toEqual(['app'])
    expect(affects(repo, ['shared/app.conf'])).toEqual(['app'])
    expect(affects(repo, ['shared/prod.yaml'])).toEqual(['chart'])
    expect(affects(repo, ['shared/templates/cm.yaml'])).toEqual(['chart']) // helm follows symlinks in a chart
    expect(affects(repo, ['charts/c/templates'])).toEqual(['chart'])
    expect(affects(repo, ['shared/other.yaml'])).toEqual([])
  })

  it('a plain directory reached through a symlink counts its real files', () => {
    const repo = repoWithLinks(
      { 'hydrate.yaml': TWO('envs/prod'), 'other/cm.yaml': CM('o'), 'real/prod/cm.yaml': CM('p') },
      { 'envs/prod': '../real/prod' }
    )
    expect(affects(repo, ['real/prod/cm.yaml'])).toEqual(['app'])
    expect(affects(repo, ['envs/prod'])).toEqual(['app'])
  })

  it('a dangling symlink, or one that leaves the repository, makes the target affected', () => {
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'cm.yaml'), CM('outside'))
    const repo = repoWithLinks(
      {
        'hydrate.yaml': TWO('apps/app'),
        'other/cm.yaml': CM('o'),
        'apps/app/kustomization.yaml': 'resources: [gone.yaml, out.yaml]\n'
      },
      { 'apps/app/gone.yaml': 'nowhere.yaml', 'apps/app/out.yaml': path.join(outside, 'cm.yaml') }
    )
    const deps = depsOf(repo)
    expect(deps.unresolved).toEqual([
      'apps/app/gone.yaml: cannot resolve its symlinks (ENOENT)',
      'apps/app/out.yaml leads outside the repository'
    ])
    expect(affects(repo, ['unrelated.txt'])).toEqual(['app'])
  })
})

describe('reverse index: helm charts, directories and the config', () => {
  const repo = makeRepo({ from: EXAMPLE_REPO })
  const config = loadConfig(repo)

  it('covers the chart directory, file:// dependencies and value files of each environment', () => {
    const prod = targetDependencies(
      repo,
      config.targets.find(t => t.name === 'webapp-prod')!
    )
    expect(dependsOn(prod, 'charts/webapp/templates/deployment.yaml')).toBe(true)
    expect(dependsOn(prod, 'charts/cache/templates/statefulset.yaml')).toBe(true) // file://../cache
    expect(dependsOn(prod, 'environments/prod/webapp.yaml')).toBe(true)
    expect(dependsOn(prod, 'environments/dev/webapp.yaml')).toBe(false)
    const affected = affectedTargets(config, config.targets, ['environments/dev/webapp.yaml'])
    expect([...affected.affected]).toEqual(['webapp-dev'])
    expect(
      [...affectedTargets(config, config.targets, ['charts/cache/values.yaml']).affected].sort()
    ).toEqual(['webapp-dev', 'webapp-prod', 'webapp-staging'])
  })

  it('a base change affects every overlay; a plain directory covers its files', () => {
    expect(
      [
        ...affectedTargets(config, config.targets, ['apps/guestbook/base/service.yaml']).affected
      ].sort()
    ).toEqual(['guestbook-dev', 'guestbook-prod', 'guestbook-staging'])
    // The monitoring component is used by staging and prod only.
    expect(
      [
        ...affectedTargets(config, config.targets, [
          'apps/guestbook/components/monitoring/servicemonitor.yaml'
        ]).affected
      ].sort()
    ).toEqual(['guestbook-prod', 'guestbook-staging'])
    expect([
      ...affectedTargets(config, config.targets, ['cluster/staging/quota.yaml']).affected
    ]).toEqual(['cluster-staging'])
    expect([...affectedTargets(config, config.targets, ['README.md']).affected]).toEqual([])
  })

  it('a config change, or full, affects everything', () => {
    expect(affectedTargets(config, config.targets, ['hydrate.yaml']).affected.size).toBe(
      EXAMPLE_TARGETS.length
    )
    expect(affectedTargets(config, config.targets, ['hydrate.yaml']).full).toBe(true)
    expect(affectedTargets(config, config.targets, [], { full: true }).affected.size).toBe(
      EXAMPLE_TARGETS.length
    )
  })

  it('changedFiles reports both sides of a rename, and the working tree with untracked files', async () => {
    const dir = makeRepo({ files: { 'a/old.yaml': CM('x').repeat(1), 'b/keep.yaml': CM('k') } })
    const base = git(dir, 'rev-parse', 'HEAD').trim()
    git(dir, 'mv', 'a/old.yaml', 'a/new.yaml')
    const head = commitAll(dir, 'rename')
    const manager = new GitCommandManager(dir)
    expect(await changedFiles(manager, base, head)).toEqual(['a/new.yaml', 'a/old.yaml'])
    writeFiles(dir, { 'c/untracked.yaml': CM('u'), 'b/keep.yaml': CM('changed') })
    expect(await changedFiles(manager, base)).toEqual([
      'a/new.yaml',
      'a/old.yaml',
      'b/keep.yaml',
      'c/untracked.yaml'
    ])
  })
})

describe('affected-only diff', () => {
  it('renders a one-app change with two render processes, and reports the rest unchanged', async () => {
    const repo = makeRepo({ from: EXAMPLE_REPO })
    git(repo, 'checkout', '-q', '-b', 'one-app')
    const overlay = path.join(repo, 'apps/guestbook/overlays/dev/replicas.yaml')
    fs.writeFileSync(
      overlay,
      fs.readFileSync(overlay, 'utf8').replace('replicas: 1', 'replicas: 2')
    )
    commitAll(repo, 'Scale dev guestbook')
    const tools = countingTools()
    const result = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: tools.env
    })
    expect(tools.count()).toBe(2) // base + head of guestbook-dev
    expect(
      result.report.targets.filter(t => t.status !== 'unchanged').map(t => [t.name, t.status])
    ).toEqual([['guestbook-dev', 'changed']])
    expect(result.report.targets).toHaveLength(EXAMPLE_TARGETS.length)

    const full = countingTools()
    const fullResult = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: full.env,
      full: true
    })
    // 8 helm and kustomize targets, 2 kustomize targets inflating a chart (kustomize +
    // helm) and 2 plain directories holding a kustomization (one build), base and head;
    // other plain directories need no process.
    expect(full.count()).toBe((8 + 2 * 2 + 2) * 2)
    expect(fullResult.report.targets.map(t => [t.name, t.status, t.resources])).toEqual(
      result.report.targets.map(t => [t.name, t.status, t.resources])
    )
  })
})
