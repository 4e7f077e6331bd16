import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { configErrorOf } from '../helpers/engine.js'
import { promotionOrder } from '../../src/config/promotion.js'
import { loadConfig } from '../../src/engine/loadConfig.js'
import { ConfigError, UsageError } from '../../src/errors.js'
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/repo.js'

afterAll(cleanupTempDirs)

/** A directory holding `files` (config loading reads files only: no git needed). */
function filesDir(files: Record<string, string>): string {
  const dir = tempDir('hydrate-config-')
  writeFiles(dir, files)
  return dir
}

const KUSTOMIZATION = 'resources: [cm.yaml]\n'
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n'
const APP_FILES = {
  'apps/web/overlays/dev/kustomization.yaml': KUSTOMIZATION,
  'apps/web/overlays/dev/cm.yaml': CM,
  'apps/web/overlays/prod/kustomization.yaml': KUSTOMIZATION,
  'apps/web/overlays/prod/cm.yaml': CM,
  'apps/api/overlays/prod/kustomization.yaml': KUSTOMIZATION,
  'apps/api/overlays/prod/cm.yaml': CM,
  'charts/svc/Chart.yaml': 'apiVersion: v2\nname: svc\nversion: 0.1.0\n',
  'charts/svc/templates/cm.yaml': CM,
  'plain/cm.yaml': CM
}

function repoWithConfig(config: string, extra: Record<string, string> = {}): string {
  return filesDir({ ...APP_FILES, ...extra, 'hydrate.yaml': config })
}

/** Loads the config and returns the ConfigError it raises. */
function configError(config: string, extra: Record<string, string> = {}): ConfigError {
  return configErrorOf(repoWithConfig(config, extra))
}

describe('valid configurations', () => {
  it('expands discover patterns with placeholders, sorted, with defaults applied', () => {
    const repo = repoWithConfig(
      [
        'version: 1',
        'defaults:',
        '  branch: hydrated/{env}',
        'targets:',
        '  - discover: apps/{app}/overlays/{env}',
        '    name: "{app}-{env}"',
        '    path: "{app}"',
        ''
      ].join('\n')
    )
    const config = loadConfig(repo)
    expect(config.targets.map(t => [t.name, t.env, t.branch, t.path, t.type, t.source])).toEqual([
      ['api-prod', 'prod', 'hydrated/prod', 'api', 'kustomize', 'apps/api/overlays/prod'],
      ['web-dev', 'dev', 'hydrated/dev', 'web', 'kustomize', 'apps/web/overlays/dev'],
      ['web-prod', 'prod', 'hydrated/prod', 'web', 'kustomize', 'apps/web/overlays/prod']
    ])
    expect(config.targets[0]?.layout).toBe('manifest')
    expect(config.targets[0]?.prune).toBe(true)
  })

  it('detects helm, kustomize and plain directories, and honours a type override', () => {
    const repo = repoWithConfig(
      [
        'version: 1',
        'targets:',
        '  - { name: chart, env: dev, source: charts/svc }',
        '  - { name: plain, env: dev, source: plain }',
        '  - { name: kust, env: dev, source: apps/web/overlays/dev }',
        '  - { name: forced, env: prod, source: apps/web/overlays/prod, type: directory, layout: resources, prune: false }',
        ''
      ].join('\n')
    )
    const targets = loadConfig(repo).targets
    expect(targets.map(t => [t.name, t.type, t.path])).toEqual([
      ['chart', 'helm', 'charts/svc'],
      ['plain', 'directory', 'plain'],
      ['kust', 'kustomize', 'apps/web/overlays/dev'],
      ['forced', 'directory', 'apps/web/overlays/prod']
    ])
    expect(targets[0]?.helm).toMatchObject({ valueFiles: [], includeCRDs: false, skipTests: true })
    expect(targets[3]).toMatchObject({ layout: 'resources', prune: false })
  })

  it('accepts remote charts with a pinned version, and reads every helm option', () => {
    const repo = repoWithConfig(
      [
        'version: 1',
        'targets:',
        '  - name: redis-prod',
        '    env: prod',
        '    path: redis',
        '    helm:',
        '      repo: https://charts.example.com',
        '      chart: redis',
        '      version: 1.2.3',
        '      releaseName: cache',
        '      namespace: data',
        '      includeCRDs: true',
        '      skipTests: false',
        '      kubeVersion: 1.31',
        '      apiVersions: [monitoring.coreos.com/v1]',
        '      values: { replicas: 2 }',
        '  - name: oci',
        '    env: prod',
        '    helm: { chart: "oci://registry.example.com/charts/app", version: "2.0.0", plainHttp: true }',
        ''
      ].join('\n')
    )
    const [redis, oci] = loadConfig(repo).targets
    expect(redis).toMatchObject({
      type: 'helm',
      source: undefined,
      path: 'redis',
      helm: {
        repo: 'https://charts.example.com',
        chart: 'redis',
        version: '1.2.3',
        releaseName: 'cache',
        namespace: 'data',
        includeCRDs: true,
        skipTests: false,
        kubeVersion: '1.31',
        apiVersions: ['monitoring.coreos.com/v1'],
        values: { replicas: 2 }
      }
    })
    expect(oci).toMatchObject({
      type: 'helm',
      path: 'oci',
      helm: { chart: 'oci://registry.example.com/charts/app', plainHttp: true }
    })
  })

  it('uses the zero-config default when there is no hydrate.yaml', () => {
    const repo = filesDir({
      'environments/dev/cm.yaml': CM,
      'environments/prod/kustomization.yaml': KUSTOMIZATION,
      'environments/prod/cm.yaml': CM
    })
    const config = loadConfig(repo)
    expect(config.file).toBeUndefined()
    expect(config.targets.map(t => [t.name, t.env, t.branch, t.path, t.type])).toEqual([
      ['environments-dev', 'dev', 'env/dev', 'environments/dev', 'directory'],
      ['environments-prod', 'prod', 'env/prod', 'environments/prod', 'kustomize']
    ])
  })

  it('filters targets by glob, and a filter that matches nothing is a usage error', () => {
    const repo = repoWithConfig(
      [
        'version: 1',
        'targets:',
        '  - discover: apps/{app}/overlays/{env}',
        '    name: "{app}-{env}"',
        '    path: "{app}"',
        ''
      ].join('\n')
    )
    expect(loadConfig(repo, { targetFilter: ['web-*'] }).targets.map(t => t.name)).toEqual([
      'web-dev',
      'web-prod'
    ])
    expect(loadConfig(repo, { targetFilter: ['*-prod'] }).targets.map(t => t.name)).toEqual([
      'api-prod',
      'web-prod'
    ])
    expect(() => loadConfig(repo, { targetFilter: ['nothing-*'] })).toThrow(UsageError)
  })
})

describe('YAML features in hydrate.yaml', () => {
  it('resolves aliases in helm.values to the anchored values', () => {
    const anchored = repoWithConfig(
      'version: 1\ntargets:\n  - name: svc\n    env: dev\n    source: charts/svc\n    helm:\n      values:\n        base: &defaults { replicas: 2, labels: { team: web } }\n        copy: *defaults\n'
    )
    expect(loadConfig(anchored).targets[0]?.helm?.values).toEqual({
      base: { replicas: 2, labels: { team: 'web' } },
      copy: { replicas: 2, labels: { team: 'web' } }
    })
  })
})

describe('discover with exclude (the Flux layout: apps/base beside apps/{env})', () => {
  it('leaves out the directories the globs match', () => {
    const repo = filesDir({
      'apps/base/kustomization.yaml': KUSTOMIZATION,
      'apps/base/cm.yaml': CM,
      'apps/dev/kustomization.yaml': 'resources: [../base]\n',
      'apps/prod/kustomization.yaml': 'resources: [../base]\n',
      'hydrate.yaml':
        'version: 1\ntargets:\n  - discover: apps/{env}\n    exclude: [apps/base]\n    name: "apps-{env}"\n    path: apps\n'
    })
    expect(loadConfig(repo).targets.map(t => t.name)).toEqual(['apps-dev', 'apps-prod'])
    expect(
      configError('version: 1\ntargets:\n  - source: plain\n    env: dev\n    exclude: [x]\n')
        .message
    ).toBe('hydrate.yaml:5:5: targets[0]: "exclude" goes with "discover"')
  })

  it('hints at repo-relative value files when one is written relative to the chart', () => {
    const error = configError(
      'version: 1\ntargets:\n  - name: svc\n    env: dev\n    source: charts/svc\n    helm: { valueFiles: [values-dev.yaml] }\n',
      { 'charts/svc/values-dev.yaml': 'a: 1\n' }
    )
    expect(error.message).toContain(
      'value file values-dev.yaml does not exist (value files are repo-relative: charts/svc/values-dev.yaml?)'
    )
  })
})

describe('configuration errors name file, line and column', () => {
  it('refuses a target name or env with a line break (it would reach logs and comments)', () => {
    const error = configError(
      'version: 1\ntargets:\n  - name: "app\\n::set-output name=x::y"\n    env: dev\n    source: plain\n'
    )
    expect(error.message).toBe(
      'hydrate.yaml:3:5: target name "app\\n::set-output name=x::y" contains a control character or line break'
    )
  })

  it('refuses a hydrate.yaml that is a symlink leaving the repository', () => {
    const repo = filesDir(APP_FILES)
    fs.symlinkSync('/etc/hostname', path.join(repo, 'hydrate.yaml'))
    expect(() => loadConfig(repo)).toThrow(
      'hydrate.yaml: config file hydrate.yaml is a symlink that leads outside the repository'
    )
  })

  const cases: Array<[string, string, RegExp, number, number]> = [
    [
      'unknown top-level key',
      'version: 1\ntargetz: []\n',
      /unknown key "targetz" in the config file; expected one of: version, defaults, targets/,
      2,
      1
    ],
    [
      'unknown target key',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: plain\n    sourc: x\n',
      /unknown key "sourc" in targets\[0\]/,
      6,
      5
    ],
    [
      'unknown helm key',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: charts/svc\n    helm:\n      valuesFiles: [a.yaml]\n',
      /unknown key "valuesFiles" in targets\[0\]\.helm/,
      7,
      7
    ],
    [
      'wrong type',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: plain\n    prune: "yes please"\n',
      /targets\[0\]\.prune must be true or false/,
      6,
      12
    ],
    [
      'wrong layout',
      'version: 1\ndefaults:\n  layout: flat\ntargets:\n  - { name: a, env: dev, source: plain }\n',
      /defaults\.layout must be one of: manifest, resources/,
      3,
      11
    ],
    [
      'missing version',
      'targets:\n  - { name: a, env: dev, source: plain }\n',
      /missing required key "version"/,
      1,
      1
    ],
    [
      'bad version',
      'version: 2\ntargets:\n  - { name: a, env: dev, source: plain }\n',
      /version must be 1/,
      1,
      10
    ],
    ['missing targets', 'version: 1\n', /missing required key "targets"/, 1, 1],
    ['targets not a list', 'version: 1\ntargets:\n  name: a\n', /targets must be a list/, 3, 3],
    [
      'missing source',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n',
      /missing "source" \(a directory\), "discover"/,
      3,
      5
    ],
    [
      'missing env',
      'version: 1\ntargets:\n  - name: a\n    source: plain\n',
      /missing "env"/,
      3,
      5
    ],
    [
      'duplicate names',
      'version: 1\ntargets:\n  - { name: a, env: dev, source: plain }\n  - { name: a, env: prod, source: apps/web/overlays/prod }\n',
      /duplicate target name "a" \(also at hydrate\.yaml:3:5\)/,
      4,
      5
    ],
    [
      'same branch and path',
      'version: 1\ntargets:\n  - { name: a, env: dev, source: plain, path: out }\n  - { name: b, env: dev, source: apps/web/overlays/dev, path: out }\n',
      /targets a and b both write env\/dev:out/,
      4,
      5
    ],
    [
      'source escapes with ..',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: ../outside\n',
      /source \.\.\/outside escapes the repository/,
      5,
      13
    ],
    [
      'output path escapes',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: plain\n    path: ../../etc\n',
      /path "\.\.\/\.\.\/etc" escapes the branch root/,
      6,
      11
    ],
    [
      'value file escapes',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: charts/svc\n    helm:\n      valueFiles: [../../secrets.yaml]\n',
      /value file \.\.\/\.\.\/secrets\.yaml escapes the repository/,
      7,
      20
    ],
    [
      'invalid branch name',
      'version: 1\ntargets:\n  - { name: a, env: dev, source: plain, branch: "env/dev..x" }\n',
      /invalid branch name "env\/dev\.\.x"/,
      3,
      5
    ],
    [
      'discover matches nothing',
      'version: 1\ntargets:\n  - discover: services/{app}/{env}\n',
      /discover pattern "services\/\{app\}\/\{env\}" matches no directory/,
      3,
      5
    ],
    [
      'unknown placeholder',
      'version: 1\ntargets:\n  - discover: apps/{app}/overlays/{env}\n    name: "{team}-{app}"\n',
      /name uses unknown placeholder \{team\}/,
      4,
      11
    ],
    [
      'floating remote chart',
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    helm: { repo: "https://charts.example.com", chart: redis }\n',
      /needs a pinned "version"/,
      5,
      49
    ],
    [
      'invalid YAML (unclosed flow list, reported where the file ends)',
      'version: 1\ntargets:\n  - name: [a\n',
      /invalid YAML/,
      4,
      1
    ],
    [
      'duplicate key',
      'version: 1\nversion: 1\ntargets: []\n',
      /invalid YAML: Map keys must be unique/,
      2,
      1
    ]
  ]

  it.each(cases)('%s', (_title, config, message, line, column) => {
    const error = configError(config)
    expect(error.message).toMatch(message)
    expect(error.location).toMatchObject({ file: 'hydrate.yaml', line, column })
    expect(error.message.startsWith(`hydrate.yaml:${line}:${column}: `)).toBe(true)
    expect(error.exitCode).toBe(2)
  })

  it('rejects a source that is a symlink leading outside the repository', () => {
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'cm.yaml'), CM)
    const repo = repoWithConfig(
      'version: 1\ntargets:\n  - name: a\n    env: dev\n    source: escape\n'
    )
    fs.symlinkSync(outside, path.join(repo, 'escape'))
    expect(() => loadConfig(repo)).toThrow(
      /hydrate\.yaml:5:13: source escape is a symlink that leads outside the repository/
    )
  })

  it('names the zero-config default when nothing matches it', () => {
    const repo = filesDir({ 'README.md': 'nothing to hydrate\n' })
    expect(() => loadConfig(repo)).toThrow(
      /no hydrate\.yaml and no directory matches the zero-config default "environments\/\{env\}"/
    )
  })
})

describe('promotion:', () => {
  const config = (promotion: string[], extraTarget: string[] = []) =>
    [
      'version: 1',
      'promotion:',
      ...promotion.map(line => `  ${line}`),
      'targets:',
      '  - discover: apps/{app}/overlays/{env}',
      '    name: "{app}-{env}"',
      '    path: "{app}"',
      ...extraTarget,
      ''
    ].join('\n')

  it('moves every target onto its environment promotion branch, in order', () => {
    const loaded = loadConfig(
      repoWithConfig(config(['branch: env/{env}-next', 'order: [dev, prod]', 'autoMerge: [dev]']))
    )
    expect(loaded.promotion?.environments).toEqual([
      { env: 'dev', branch: 'env/dev', next: 'env/dev-next', autoMerge: true },
      { env: 'prod', branch: 'env/prod', next: 'env/prod-next', autoMerge: false }
    ])
    expect(loaded.targets.map(t => [t.name, t.branch, t.environmentBranch])).toEqual([
      ['api-prod', 'env/prod-next', 'env/prod'],
      ['web-dev', 'env/dev-next', 'env/dev'],
      ['web-prod', 'env/prod-next', 'env/prod']
    ])
    expect(loadConfig(repoWithConfig(config([]).replace('promotion:\n', ''))).promotion).toBe(
      undefined
    )
  })

  it('gives reports the promotion order (prod before dev when so configured), none without it', () => {
    const ordered = loadConfig(
      repoWithConfig(config(['branch: env/{env}-next', 'order: [prod, dev]']))
    )
    expect(promotionOrder(ordered)).toEqual(['prod', 'dev'])
    expect(promotionOrder(loadConfig(repoWithConfig(config([]).replace('promotion:\n', ''))))).toBe(
      undefined
    )
  })

  it.each([
    [['order: [dev, prod]'], '3:3: promotion: missing "branch"'],
    [['branch: env/next', 'order: [dev, prod]'], '3:11: promotion.branch must contain {env}'],
    [
      ['branch: env/{env}/{app}', 'order: [dev, prod]'],
      '3:11: promotion.branch may use only {env}, not {app}'
    ],
    [
      ['branch: env/{env}', 'order: [dev, prod]'],
      '3:11: promotion.branch gives env/dev, which is an environment branch'
    ],
    [
      ['branch: env/{env}/next', 'order: [dev, prod]'],
      '3:11: promotion.branch gives env/dev/next, which cannot exist next to branch env/dev'
    ],
    [
      ['branch: "env/{env}..next"', 'order: [dev, prod]'],
      '3:11: promotion.branch gives "env/dev..next": git check-ref-format rejects it'
    ],
    [
      ['branch: env/{env}-next', 'order: [dev, qa, prod]'],
      '4:16: promotion.order names qa, which no target deploys to; known environments: dev, prod'
    ],
    [
      ['branch: env/{env}-next', 'order: [dev, dev, prod]'],
      '4:16: promotion.order names dev twice'
    ],
    [
      ['branch: env/{env}-next', 'order: [dev]'],
      '4:3: environment prod has targets but is not in promotion.order'
    ],
    [['branch: env/{env}-next', 'order: []'], '4:3: promotion: "order" must list the environments'],
    [
      ['branch: env/{env}-next', 'order: [dev, prod]', 'autoMerge: [staging]'],
      '5:15: promotion.autoMerge names staging, which is not in promotion.order'
    ],
    [
      ['branch: env/{env}-next', 'order: [dev, prod]', 'auto: [dev]'],
      '5:3: unknown key "auto" in promotion'
    ]
  ])('rejects %j at file:line:col', (promotion, message) => {
    expect(configError(config(promotion)).message).toContain(`hydrate.yaml:${message}`)
  })

  it('needs one environment branch per environment', () => {
    const error = configError(
      config(
        ['branch: env/{env}-next', 'order: [dev, prod]'],
        ['  - source: plain', '    env: prod', '    branch: other/prod']
      )
    )
    expect(error.message).toContain(
      'with promotion, the targets of environment prod must write one branch'
    )
  })
})
