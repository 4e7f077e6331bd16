import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { generatorParams } from '../src/argocd/applicationSet.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import type { HydrateConfig } from '../src/config/types.js'
import { renderRepository, writeLayouts } from '../src/engine.js'
import { ConfigError, formatLocation } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { outputSink } from './helpers/cli.js'
import { cleanupTempDirs, git, makeRepo, tempDir } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

// Zero-config Argo CD as real repositories are written (issue 25): destinations by server, the
// same Application name in two files, cluster Secrets for `clusters` generators, and
// `hydrate targets` explaining every object it read.

afterAll(cleanupTempDirs)

const ORIGIN = 'https://github.com/example/gitops.git'

function application(name: string, destination: string, extra = ''): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: { name: ${name}, namespace: argocd${extra} }`,
    'spec:',
    '  project: default',
    `  source: { repoURL: ${ORIGIN}, targetRevision: HEAD, path: guestbook }`,
    `  destination: ${destination}`,
    ''
  ].join('\n')
}

function clusterSecret(name: string, data: string, labels: string): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    `metadata: { name: ${name}-secret, namespace: argocd, labels: { argocd.argoproj.io/secret-type: cluster, ${labels} } }`,
    'type: Opaque',
    data,
    ''
  ].join('\n')
}

const GUESTBOOK = {
  'guestbook/guestbook-ui-deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: guestbook-ui }',
    'spec:',
    '  replicas: 1',
    '  selector: { matchLabels: { app: guestbook-ui } }',
    '  template:',
    '    metadata: { labels: { app: guestbook-ui } }',
    '    spec: { containers: [{ name: ui, image: gcr.io/heptio-images/ks-guestbook-demo:0.2 }] }',
    ''
  ].join('\n'),
  'guestbook/guestbook-ui-svc.yaml':
    'apiVersion: v1\nkind: Service\nmetadata: { name: guestbook-ui }\nspec: { ports: [{ port: 80 }], selector: { app: guestbook-ui } }\n'
}

const SET = (name: string, selector: string, values = '') =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: ApplicationSet',
    `metadata: { name: ${name} }`,
    'spec:',
    `  generators: [{ clusters: { ${selector}${values} } }]`,
    '  template:',
    `    metadata: { name: '${name}-{{nameNormalized}}' }`,
    '    spec:',
    '      project: default',
    `      source: { repoURL: ${ORIGIN}, targetRevision: HEAD, path: guestbook }`,
    "      destination: { server: '{{server}}', namespace: '{{values.ns}}' }",
    ''
  ].join('\n')

function zeroConfigRepo(): string {
  const repo = makeRepo({
    files: {
      ...GUESTBOOK,
      'apps/guestbook.yaml': application(
        'guestbook',
        '{ server: https://kubernetes.default.svc, namespace: guestbook }'
      ),
      'apps/prod.yaml': application('shop-prod', '{ server: https://prod.example.com:6443 }'),
      'apps/far.yaml': application('far', '{ server: https://10.0.0.5:6443 }'),
      'apps/named.yaml': application('named', '{ name: staging, namespace: x }'),
      'apps/labelled.yaml': application(
        'labelled',
        '{ server: https://kubernetes.default.svc }',
        ', labels: { hydrate/env: qa }'
      ),
      'apps/both.yaml': application('both', '{ name: a, server: https://a.example.com }'),
      'apps/pricelist-a.yaml': application(
        'pricelist',
        '{ server: https://kubernetes.default.svc }'
      ),
      'apps/pricelist-b.yaml':
        '# the same name, another destination\n' +
        application('pricelist', '{ server: https://prod.example.com:6443 }'),
      'apps/not-ours.yaml': application('upstream', '{ name: in-cluster }').replace(
        ORIGIN,
        'https://github.com/other/repo.git'
      ),
      'clusters/prod.yaml': clusterSecret(
        'prod',
        'stringData: { name: prod, server: "https://prod.example.com:6443", project: shop }',
        'env: prod'
      ),
      'clusters/staging.yaml': clusterSecret(
        'staging',
        `data: { name: ${b64('Staging_EU')}, server: ${b64('https://staging.example.com')} }`,
        'env: staging'
      ),
      'sets/prod-only.yaml': SET('web', 'selector: { matchLabels: { env: prod } }'),
      'sets/expressions.yaml': SET(
        'api',
        'selector: { matchExpressions: [{ key: env, operator: In, values: [prod, staging] }] }',
        ", values: { ns: '{{nameNormalized}}-api' }"
      ),
      'sets/everywhere.yaml': SET('all', 'selector: {}'),
      'sets/none.yaml': SET('nothing', 'selector: { matchLabels: { env: mars } }')
    }
  })
  git(repo, 'remote', 'add', 'origin', ORIGIN)
  return repo
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64')
}

const summary = (config: HydrateConfig) =>
  config.targets
    .map(t => `${t.name} ${t.env} ${t.branch}:${t.path} ${formatLocation(t.location)}`)
    .sort()

const findingLines = (config: HydrateConfig) =>
  (config.argocd?.findings ?? []).map(
    f => `${formatLocation(f.location)} ${f.subject}: ${f.kind}: ${f.message}`
  )

describe('zero-config Argo CD', () => {
  const repo = zeroConfigRepo()
  const config = loadConfig(repo)

  it('takes the environment from the destination: label, name, known server, in-cluster, host', () => {
    expect(summary(config)).toEqual([
      'all-in-cluster in-cluster env/in-cluster:all-in-cluster sets/everywhere.yaml:5:16',
      'all-prod prod env/prod:all-prod sets/everywhere.yaml:5:16',
      'all-staging-eu Staging_EU env/Staging_EU:all-staging-eu sets/everywhere.yaml:5:16',
      'api-prod prod env/prod:api-prod sets/expressions.yaml:5:16',
      'api-staging-eu Staging_EU env/Staging_EU:api-staging-eu sets/expressions.yaml:5:16',
      'far 10.0.0.5-6443 env/10.0.0.5-6443:far apps/far.yaml:1:1',
      'guestbook in-cluster env/in-cluster:guestbook apps/guestbook.yaml:1:1',
      'labelled qa env/qa:labelled apps/labelled.yaml:1:1',
      'named staging env/staging:named apps/named.yaml:1:1',
      'shop-prod prod env/prod:shop-prod apps/prod.yaml:1:1',
      'web-prod prod env/prod:web-prod sets/prod-only.yaml:5:16'
    ])
  })

  it('clusters generator: parameters and values as cluster.go gives them, in both modes', () => {
    const clusters = config.argocd?.clusters ?? []
    expect(clusters.map(c => `${c.name} ${c.server} ${formatLocation(c.location)}`)).toEqual([
      'prod https://prod.example.com:6443 clusters/prod.yaml:1:1',
      'Staging_EU https://staging.example.com clusters/staging.yaml:1:1'
    ])
    const context = { repoRoot: repo, isThisRepository: () => true, clusters }
    const generator = {
      clusters: {
        selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
        values: { ns: '{{nameNormalized}}-api' }
      }
    }
    expect(generatorParams(generator, { ...context, goTemplate: false })).toEqual([
      {
        name: 'Staging_EU',
        nameNormalized: 'staging-eu',
        server: 'https://staging.example.com',
        project: '',
        'metadata.labels.argocd.argoproj.io/secret-type': 'cluster',
        'metadata.labels.env': 'staging',
        'values.ns': 'staging-eu-api'
      }
    ])
    const goGenerator = {
      clusters: { ...generator.clusters, values: { ns: '{{.nameNormalized}}-api' } }
    }
    expect(generatorParams(goGenerator, { ...context, goTemplate: true })).toEqual([
      {
        name: 'Staging_EU',
        nameNormalized: 'staging-eu',
        server: 'https://staging.example.com',
        project: '',
        metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', env: 'staging' } },
        values: { ns: 'staging-eu-api' }
      }
    ])
    // Sorted by name (byte order); an empty selector adds in-cluster last (no Secret has its
    // server); flatList gives one set.
    const flat = generatorParams({ clusters: { flatList: true } }, { ...context, goTemplate: true })
    expect((flat[0]?.clusters as Array<{ name: string }>).map(c => c.name)).toEqual([
      'Staging_EU',
      'prod',
      'in-cluster'
    ])
    expect(() =>
      generatorParams(
        { clusters: { selector: { matchExpressions: [{ key: 'env', operator: 'Gt' }] } } },
        { ...context, goTemplate: false }
      )
    ).toThrow(
      'clusters generator: matchExpressions operator "Gt" is not one of In, NotIn, Exists, DoesNotExist'
    )
  })

  it('skips a duplicate name as a pair, naming both files with their lines; the rest renders', () => {
    expect(findingLines(config)).toEqual([
      "apps/both.yaml:1:1 Application both: invalid: application destination can't have both name and server defined: a https://a.example.com",
      'apps/not-ours.yaml:1:1 Application upstream: skipped: source repoURL https://github.com/other/repo.git is not this repository',
      'sets/none.yaml:1:1 ApplicationSet nothing: skipped: its generators give no parameter sets, so it generates no Application',
      'apps/pricelist-a.yaml:1:1 Application pricelist: invalid: duplicate Application name pricelist: also defined, differently, at apps/pricelist-b.yaml:2:1; Argo CD keeps one Application per name, so none of them is rendered (rename one)',
      'apps/pricelist-b.yaml:2:1 Application pricelist: invalid: duplicate Application name pricelist: also defined, differently, at apps/pricelist-a.yaml:1:1; Argo CD keeps one Application per name, so none of them is rendered (rename one)'
    ])
  })

  it('an identical copy of an Application is one Application, rendered once', () => {
    const copy = makeRepo({
      files: {
        ...GUESTBOOK,
        'a/app.yaml': application('guestbook', '{ name: in-cluster }'),
        'b/app.yaml': application('guestbook', '{ name: in-cluster }')
      }
    })
    git(copy, 'remote', 'add', 'origin', ORIGIN)
    const loaded = loadConfig(copy)
    expect(summary(loaded)).toEqual([
      'guestbook in-cluster env/in-cluster:guestbook a/app.yaml:1:1'
    ])
    expect(findingLines(loaded)).toEqual([
      'b/app.yaml:1:1 Application guestbook: skipped: the same Application as at a/app.yaml:1:1; rendered once, from there'
    ])
  })

  it('renders each target as kubectl would apply the directory (one branch per cluster)', async () => {
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors.map(e => e.message)).toEqual([])
    const out = tempDir()
    writeLayouts(out, result.layouts)
    expect(fs.readdirSync(path.join(out, 'env')).sort()).toEqual([
      '10.0.0.5-6443',
      'Staging_EU',
      'in-cluster',
      'prod',
      'qa',
      'staging'
    ])
    // A directory source is its files' objects, as they are (Argo CD's repo-server reads them).
    const ours = byIdentity(
      parseStream(fs.readFileSync(path.join(out, 'env/in-cluster/guestbook/manifest.yaml'), 'utf8'))
    )
    const theirs = byIdentity(parseStream(Object.values(GUESTBOOK).join('---\n')))
    expect(ours.size).toBe(2)
    for (const [id, resource] of theirs)
      expect({ id, resource: ours.get(id) }).toEqual({ id, resource })
  })
})

describe('clusters listed in hydrate.yaml', () => {
  const files = {
    ...GUESTBOOK,
    'hydrate.yaml': [
      'version: 1',
      'argocd:',
      `  repoURLs: [${ORIGIN}]`,
      '  clusters:',
      '    - { name: eu-prod, server: "https://eu.example.com", labels: { tier: prod } }',
      '    - { name: us-dev, server: "https://us.example.com", labels: { tier: dev } }',
      ''
    ].join('\n'),
    'sets/prod.yaml': SET('web', 'selector: { matchLabels: { tier: prod } }'),
    'apps/us.yaml': application('us', '{ server: "https://us.example.com/" }')
  }

  it('feed clusters generators and name the environment of a destination server', () => {
    const config = loadConfig(makeRepo({ files }))
    expect(summary(config)).toEqual([
      'us us-dev env/us-dev:us apps/us.yaml:1:1',
      'web-eu-prod eu-prod env/eu-prod:web-eu-prod sets/prod.yaml:5:16'
    ])
    expect(findingLines(config)).toEqual([])
  })

  it('a cluster without a server is a config error at its line', () => {
    const repo = makeRepo({
      files: {
        ...files,
        'hydrate.yaml': 'version: 1\nargocd:\n  clusters:\n    - { name: eu-prod }\n'
      }
    })
    expect(() => loadConfig(repo)).toThrow(ConfigError)
    expect(() => loadConfig(repo)).toThrow(
      'hydrate.yaml:4:7: an argocd.clusters entry needs a name and a server'
    )
  })
})

describe('hydrate targets explains every Application and ApplicationSet', () => {
  const repo = zeroConfigRepo()

  it('text: each object with its targets or why it gave none', async () => {
    const sink = outputSink()
    expect(await runCli(['targets', '-C', repo], sink.stream)).toBe(0)
    const text = sink.text()
    expect(text).toContain('11 targets from the Argo CD Applications of the repository')
    expect(text).toContain('Argo CD objects considered (13):\n')
    expect(text).toContain('  apps/guestbook.yaml:1:1  Application guestbook → guestbook\n')
    expect(text).toContain(
      '  sets/everywhere.yaml:1:1  ApplicationSet all → all-staging-eu, all-prod, all-in-cluster\n'
    )
    expect(text).toContain(
      '  apps/pricelist-b.yaml:2:1  Application pricelist: no target, because\n' +
        '    apps/pricelist-b.yaml:2:1  Application pricelist: invalid: duplicate Application name pricelist: also defined, differently, at apps/pricelist-a.yaml:1:1;'
    )
    expect(text).toContain(
      '  sets/none.yaml:1:1  ApplicationSet nothing: no target, because\n' +
        '    sets/none.yaml:1:1  ApplicationSet nothing: skipped: its generators give no parameter sets'
    )
  })

  it('json: the same, one entry per object', async () => {
    const sink = outputSink()
    expect(await runCli(['targets', '-C', repo, '--format', 'json'], sink.stream)).toBe(0)
    const parsed = JSON.parse(sink.text()) as {
      considered: Array<{
        at: string
        subject: string
        targets: string[]
        findings: Array<{ kind: string }>
      }>
    }
    expect(
      parsed.considered.map(
        c =>
          `${c.at} ${c.subject} [${c.targets.join(',')}] ${c.findings.map(f => f.kind).join(',')}`
      )
    ).toEqual([
      'apps/both.yaml:1:1 Application both [] invalid',
      'apps/far.yaml:1:1 Application far [far] ',
      'apps/guestbook.yaml:1:1 Application guestbook [guestbook] ',
      'apps/labelled.yaml:1:1 Application labelled [labelled] ',
      'apps/named.yaml:1:1 Application named [named] ',
      'apps/not-ours.yaml:1:1 Application upstream [] skipped',
      'apps/pricelist-a.yaml:1:1 Application pricelist [] invalid',
      'apps/pricelist-b.yaml:2:1 Application pricelist [] invalid',
      'apps/prod.yaml:1:1 Application shop-prod [shop-prod] ',
      'sets/everywhere.yaml:1:1 ApplicationSet all [all-staging-eu,all-prod,all-in-cluster] ',
      'sets/expressions.yaml:1:1 ApplicationSet api [api-staging-eu,api-prod] ',
      'sets/none.yaml:1:1 ApplicationSet nothing [] skipped',
      'sets/prod-only.yaml:1:1 ApplicationSet web [web-prod] '
    ])
  })

  it('with no target at all it still lists, and the error that points to it is true', async () => {
    const none = makeRepo({
      files: {
        ...GUESTBOOK,
        'apps/a.yaml': application('a', '{ name: in-cluster }'),
        'apps/b.yaml': application('a', '{ name: other }')
      }
    })
    git(none, 'remote', 'add', 'origin', ORIGIN)
    expect(() => loadConfig(none)).toThrow(
      'no targets: the Argo CD Applications found give none (apps/a.yaml:1:1: Application a: invalid: duplicate Application name a: also defined, differently, at apps/b.yaml:1:1; Argo CD keeps one Application per name, so none of them is rendered (rename one), and 1 more; see hydrate targets)'
    )
    const sink = outputSink()
    expect(await runCli(['targets', '-C', none], sink.stream)).toBe(0)
    expect(sink.text()).toContain('0 targets from the Argo CD Applications of the repository')
    expect(sink.text()).toContain(
      '    apps/b.yaml:1:1  Application a: invalid: duplicate Application name a: also defined, differently, at apps/a.yaml:1:1'
    )
  })
})

describe('Applications kustomize builds', () => {
  it('a patch a kustomization applies is not read as an Application of its own', () => {
    const repo = makeRepo({
      files: {
        ...GUESTBOOK,
        'base/app.yaml': application('guestbook', '{ server: https://kubernetes.default.svc }'),
        'base/kustomization.yaml': 'resources: [app.yaml]\n',
        'cluster/one/kustomization.yml':
          'resources: [../../base]\npatches: [{ path: patch-app.yaml }]\n',
        'cluster/one/patch-app.yaml': [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: guestbook }',
          'spec: { source: { helm: { values: "x: 1" } } }',
          ''
        ].join('\n')
      }
    })
    git(repo, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(repo)
    expect(summary(config)).toEqual([
      'guestbook in-cluster env/in-cluster:guestbook base/app.yaml:1:1'
    ])
    expect(findingLines(config)).toEqual([
      'cluster/one/patch-app.yaml:1:1 Application guestbook: skipped: a patch that cluster/one/kustomization.yml applies, not an Application of its own; it renders as part of what that kustomization builds'
    ])
  })
})

describe('goTemplateOptions missingkey=error (issue 26, rendered where Argo CD refuses)', () => {
  it('a missing key fails the ApplicationSet instead of naming a target <no value>', () => {
    const set = (options: string) =>
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: ApplicationSet',
        'metadata: { name: mk }',
        'spec:',
        '  goTemplate: true',
        options,
        '  generators: [{ list: { elements: [{ app: web }] } }]',
        '  template:',
        "    metadata: { name: 'mk-{{.app}}{{.nope}}' }",
        '    spec:',
        `      source: { repoURL: ${ORIGIN}, path: guestbook }`,
        '      destination: { name: in-cluster }',
        ''
      ].join('\n')
    const strict = makeRepo({
      files: { ...GUESTBOOK, 'set.yaml': set("  goTemplateOptions: ['missingkey=error']") }
    })
    git(strict, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(strict, { allowNoTargets: true })
    expect(config.targets).toEqual([])
    expect(findingLines(config)).toEqual([
      'set.yaml:1:1 ApplicationSet mk: invalid: template {{.nope}}: map has no entry for key "nope" (goTemplateOptions missingkey=error)'
    ])
    // Without the option Go prints <no value>, as Argo CD does; the API server then refuses
    // the name, so there is no Application.
    const lax = makeRepo({ files: { ...GUESTBOOK, 'set.yaml': set('') } })
    git(lax, 'remote', 'add', 'origin', ORIGIN)
    const laxConfig = loadConfig(lax, { allowNoTargets: true })
    expect(laxConfig.targets).toEqual([])
    expect(findingLines(laxConfig)).toEqual([
      'set.yaml:7:16 ApplicationSet mk (app=web): invalid: metadata.name "mk-web<no value>" is not a valid Kubernetes name (lower-case letters, digits, "-" and ".", at most 253 characters); Argo CD cannot create it'
    ])
  })
})

describe('sourceHydrator.syncSource.repoURL (issue 26 item 9)', () => {
  const hydrator = (repoURL: string) =>
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: { name: web }',
      'spec:',
      '  destination: { name: in-cluster }',
      '  sourceHydrator:',
      `    drySource: { repoURL: ${ORIGIN}, path: guestbook, targetRevision: HEAD }`,
      `    syncSource: { targetBranch: env/prod, path: web${repoURL} }`,
      ''
    ].join('\n')

  it('another repository is refused by name; this one is fine', () => {
    const other = makeRepo({
      files: {
        ...GUESTBOOK,
        'app.yaml': hydrator(', repoURL: https://github.com/example/hydrated.git')
      }
    })
    git(other, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(other, { allowNoTargets: true })
    expect(findingLines(config)).toEqual([
      'app.yaml:1:1 Application web: unsupported: spec.sourceHydrator.syncSource.repoURL https://github.com/example/hydrated.git is another repository; hydrate writes the branches of this one only'
    ])
    const same = makeRepo({ files: { ...GUESTBOOK, 'app.yaml': hydrator(`, repoURL: ${ORIGIN}`) } })
    git(same, 'remote', 'add', 'origin', ORIGIN)
    expect(summary(loadConfig(same))).toEqual(['web prod env/prod:web app.yaml:1:1'])
  })
})

describe('Application names the API server refuses', () => {
  it('are findings of their own object, never a file name or a failed run', () => {
    const long = 'a'.repeat(500)
    const repo = makeRepo({
      files: {
        ...GUESTBOOK,
        'apps/guestbook.yaml': application(
          'guestbook',
          '{ server: https://kubernetes.default.svc }'
        ),
        'apps/long.yaml': application(long, '{ server: https://kubernetes.default.svc }'),
        'apps/upper.yaml': application('Guest_Book', '{ server: https://kubernetes.default.svc }')
      }
    })
    git(repo, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(repo)
    expect(config.targets.map(t => t.name)).toEqual(['guestbook'])
    const why =
      'is not a valid Kubernetes name (lower-case letters, digits, "-" and ".", at most 253 characters); Argo CD cannot create it'
    expect(findingLines(config)).toEqual([
      `apps/long.yaml:1:1 Application ${long}: invalid: metadata.name "${'a'.repeat(80)}…" ${why}`,
      `apps/upper.yaml:1:1 Application Guest_Book: invalid: metadata.name "Guest_Book" ${why}`
    ])
  })
})

describe('a destination that gives no valid branch', () => {
  it('fails its own Application with the reason; the others render', () => {
    const repo = makeRepo({
      files: {
        ...GUESTBOOK,
        'apps/guestbook.yaml': application(
          'guestbook',
          '{ server: https://kubernetes.default.svc }'
        ),
        'apps/dots.yaml': application('dots', '{ name: "../../x", namespace: a }'),
        'apps/space.yaml': application('space', '{ name: "a b", namespace: a }'),
        'apps/newline.yaml': application('newline', '{ name: "x\\ny", namespace: a }')
      }
    })
    git(repo, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(repo)
    expect(config.targets.map(t => t.name)).toEqual(['guestbook'])
    expect(findingLines(config)).toEqual([
      'apps/dots.yaml:1:1 Application dots: invalid: environment "../../x" gives branch "env/../../x": git check-ref-format rejects it: it contains ".."',
      'apps/newline.yaml:1:1 Application newline: invalid: environment "x\\ny" contains a control character or line break',
      'apps/space.yaml:1:1 Application space: invalid: environment "a b" gives branch "env/a b": git check-ref-format rejects it: it contains a space, a control character or one of ~ ^ : ? * [ \\'
    ])
  })
})
