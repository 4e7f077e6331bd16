import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from '@jest/globals'
import { generatorParams, type GeneratorContext } from '../src/argocd/applicationSet.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import { renderRepository } from '../src/engine.js'
import { formatLocation } from '../src/errors.js'
import { affectedTargets } from '../src/targets/affected.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, git, makeRepo } from './helpers/repo.js'
import { HELM_VERSIONS, KUBECTL, toolEnv } from './helpers/tools.js'
import { parseStream } from './helpers/yaml.js'

// Issue 26, the source semantics, against Argo CD v3.5.1 (argoproj/argo-cd 37ee0097): each
// expected output is helm or kustomize run with the argument list the repo-server builds,
// written next to the case with the source line it comes from.

afterAll(cleanupTempDirs)

const ORIGIN = 'https://github.com/example/sources.git'

function application(spec: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: { name: web }',
    'spec:',
    '  project: shop',
    '  destination: { server: https://kubernetes.default.svc, namespace: store }',
    spec,
    ''
  ].join('\n')
}

function repoWith(files: Record<string, string>): string {
  const repo = makeRepo({ files })
  git(repo, 'remote', 'add', 'origin', ORIGIN)
  return repo
}

function findings(repo: string): string[] {
  const config = loadConfig(repo, { allowNoTargets: true })
  return (config.argocd?.findings ?? []).map(
    f => `${formatLocation(f.location)} ${f.kind}: ${f.message}`
  )
}

async function rendered(repo: string, env = toolEnv()): Promise<unknown[]> {
  const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
  expect(result.errors.map(e => e.message)).toEqual([])
  return result.rendered[0]?.resources.map(r => r.object) ?? []
}

async function renderErrors(repo: string): Promise<string[]> {
  const result = await renderRepository({
    repoRoot: repo,
    logger: new MemoryLogger(),
    env: toolEnv()
  })
  return result.errors.map(e => e.message)
}

const KEYS = ['a', 'b', 'x', 'last', 'cert']
const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'chart/values.yaml': KEYS.map(k => `${k}: none\n`).join(''),
  'chart/templates/cm.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: {{ .Release.Name }} }',
    'data:',
    ...KEYS.map(k => `  ${k}: {{ .Values.${k} | quote }}`),
    ''
  ].join('\n'),
  'chart/values-a.yaml': 'a: from-a\nlast: a\n',
  'chart/values-b.yaml': 'b: from-b\nlast: b\n',
  'chart/values-c.yaml': 'last: c\n',
  'chart/envs/one.yaml': 'x: one\nlast: one\n',
  'chart/envs/two.yaml': 'x: two\n'
}

describe('helm.valueFiles globs (Argo CD 3.5, issue 26)', () => {
  const repo = repoWith({
    ...CHART,
    'apps/web.yaml': application(
      [
        `  source:`,
        `    repoURL: ${ORIGIN}`,
        '    path: chart',
        '    helm:',
        "      valueFiles: ['values-[ab].yaml', 'envs/*.yaml', values-a.yaml, 'missing-*.yaml']",
        '      ignoreMissingValueFiles: true'
      ].join('\n')
    )
  })

  it('expand as getResolvedValueFiles: in order, a named file at its own place, no match skipped', () => {
    // repository.go:1471 (named files leave the globs), :1537 (doublestar.FilepathGlob, names
    // sorted), :1542 (no match + ignoreMissingValueFiles: skipped).
    expect(loadConfig(repo).targets[0]?.helm?.valueFiles).toEqual([
      'chart/values-b.yaml',
      'chart/envs/one.yaml',
      'chart/envs/two.yaml',
      'chart/values-a.yaml'
    ])
  })

  describe.each(HELM_VERSIONS)('on $label', ({ bin }) => {
    it('renders as helm template with the value files repository.go passes', async () => {
      const env = toolEnv(bin)
      const values = ['values-b', 'envs/one', 'envs/two', 'values-a'].flatMap(f => [
        '--values',
        `chart/${f}.yaml`
      ])
      const theirs = execFileSync(
        bin,
        ['template', 'web', 'chart', '--namespace', 'store', ...values, '--include-crds'],
        { cwd: repo, env, encoding: 'utf8' }
      )
      const ours = await rendered(repo, env)
      expect(ours).toEqual(parseStream(theirs))
      expect(ours[0]).toMatchObject({ data: { a: 'from-a', b: 'from-b', x: 'two', last: 'a' } })
    })
  })

  it('a glob matching nothing fails the Application without ignoreMissingValueFiles', () => {
    const other = repoWith({
      ...CHART,
      'apps/web.yaml': application(
        `  source: { repoURL: ${ORIGIN}, path: chart, helm: { valueFiles: ['missing-*.yaml'] } }`
      )
    })
    // repository.go:1546 GlobNoMatchError.
    expect(findings(other)).toEqual([
      'apps/web.yaml:1:1 invalid: values file glob "missing-*.yaml" matched no files'
    ])
  })

  it('$ref/ globs from the ref source, ** in doublestar walk order, a ref-only source with path ""', () => {
    const other = repoWith({
      ...CHART,
      'env/a-b.yaml': 'x: flat\n',
      'env/a/x.yaml': 'x: deep\n',
      'env/a/b/y.yaml': 'b: deeper\n',
      'apps/web.yaml': application(
        [
          '  sources:',
          `    - { repoURL: ${ORIGIN}, path: chart, helm: { valueFiles: ['$values/env/**/*.yaml'] } }`,
          `    - { repoURL: ${ORIGIN}, path: "", ref: values }`
        ].join('\n')
      )
    })
    // getResolvedRefValueFile (:1602) roots $values at the ref source's checkout; doublestar's
    // globwalk lists a directory's matches before its subdirectories' (byte order would not).
    const config = loadConfig(other)
    expect(config.targets[0]?.helm?.valueFiles).toEqual([
      'env/a-b.yaml',
      'env/a/x.yaml',
      'env/a/b/y.yaml'
    ])
    // A file added below the glob's directory changes the value files: the target is affected.
    const affected = (file: string) => affectedTargets(config, config.targets, [file]).affected
    expect(affected('env/c/new.yaml')).toEqual(new Set(['web']))
    expect(affected('other/new.yaml')).toEqual(new Set())
  })
})

describe('a ref-only source with path "" (issue 26)', () => {
  it('does not render (repository.go:663), so the chart source is the one that does', () => {
    const repo = repoWith({
      ...CHART,
      'apps/web.yaml': application(
        [
          '  sources:',
          `    - { repoURL: ${ORIGIN}, path: chart, helm: { valueFiles: [$values/chart/values-c.yaml] } }`,
          `    - { repoURL: ${ORIGIN}, targetRevision: HEAD, path: "", ref: values }`
        ].join('\n')
      )
    })
    expect(findings(repo)).toEqual([])
    const [target] = loadConfig(repo).targets
    expect(target?.source).toBe('chart')
    expect(target?.helm?.valueFiles).toEqual(['chart/values-c.yaml'])
  })

  it('a source with neither path, chart nor ref is refused as util/argo/argo.go:602 refuses it', () => {
    const repo = repoWith({
      ...CHART,
      'apps/web.yaml': application(
        [
          '  sources:',
          `    - { repoURL: ${ORIGIN}, path: chart }`,
          `    - { repoURL: ${ORIGIN}, path: "" }`
        ].join('\n')
      )
    })
    expect(findings(repo)).toEqual([
      'apps/web.yaml:1:1 invalid: spec.sources[1] needs a repoURL and either a path, a chart or a ref'
    ])
  })
})

describe('helm.fileParameters with $values/… (issue 26)', () => {
  const sources = (fileParameters: string, chart = `repoURL: ${ORIGIN}, path: chart`) =>
    application(
      [
        '  sources:',
        `    - { ${chart}, helm: { fileParameters: [${fileParameters}] } }`,
        `    - { repoURL: ${ORIGIN}, ref: values }`
      ].join('\n')
    )
  const files = { ...CHART, 'certs/web.pem': 'PEM-OF-WEB' }

  describe.each(HELM_VERSIONS)('on $label', ({ bin }) => {
    it('read from the ref source, substituted after the ref is cut off (repository.go:1357)', async () => {
      const repo = repoWith({
        ...files,
        'apps/web.yaml': sources('{ name: cert, path: $values/certs/$ARGOCD_APP_NAME.pem }')
      })
      const env = toolEnv(bin)
      // helmTemplate: --set-file cert=<ref checkout>/certs/web.pem (:1354-:1366).
      const theirs = execFileSync(
        bin,
        [
          'template',
          'web',
          'chart',
          '--namespace',
          'store',
          '--set-file',
          'cert=certs/web.pem',
          '--include-crds'
        ],
        { cwd: repo, env, encoding: 'utf8' }
      )
      const ours = await rendered(repo, env)
      expect(ours).toEqual(parseStream(theirs))
      expect(ours[0]).toMatchObject({ data: { cert: 'PEM-OF-WEB' } })
    })
  })

  it('with a remote chart: the $values path is this repository’s file', () => {
    const repo = repoWith({
      ...files,
      'apps/web.yaml': sources(
        '{ name: cert, path: $values/certs/web.pem }',
        'repoURL: https://charts.example.com, chart: demo, targetRevision: 1.2.3'
      )
    })
    expect(findings(repo)).toEqual([])
    expect(loadConfig(repo).targets[0]?.helm?.fileParameters).toEqual([
      { name: 'cert', path: 'certs/web.pem' }
    ])
  })

  it('a $name that no source declares is refused as resolveReferencedSources refuses it', () => {
    const repo = repoWith({
      ...files,
      'apps/web.yaml': sources('{ name: cert, path: $other/certs/web.pem }')
    })
    // repository.go:601.
    expect(findings(repo)).toEqual([
      'apps/web.yaml:1:1 invalid: helm file parameter cert $other/certs/web.pem names $other, which is not one of the available sources ($values)'
    ])
  })
})

describe('directory sources: a YAML file that is not a Kubernetes object (issue 26)', () => {
  const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: kept }\n'

  it('is ignored as getObjsFromYAMLOrJSON ignores it; include selecting it changes nothing', async () => {
    for (const directory of ['', ', directory: { include: "*.yaml" }']) {
      const repo = repoWith({
        'manifests/cm.yaml': CM,
        'manifests/values.yaml': 'foo: bar\n',
        'manifests/list.yaml': '- a\n- b\n',
        'manifests/broken.yaml': 'this: [is not closed\n',
        'manifests/second.yaml': 'foo: bar\n---\napiVersion: v1\nkind: Secret\n',
        'apps/web.yaml': application(
          `  source: { repoURL: ${ORIGIN}, path: manifests${directory} }`
        )
      })
      // repository.go:2106-:2119: a decode error with no object before it, in a file without
      // all of apiVersion:, kind:, metadata:, leaves the file out.
      expect(await rendered(repo)).toEqual([parseStream(CM)[0]])
    }
  })

  it('fails the render when objects came before it, or when the file looks like a manifest', async () => {
    for (const [file, reason] of [
      [`${CM}---\nfoo: bar\n`, "a document has no kind (Object 'Kind' is missing)"],
      [
        'apiVersion: v1\nmetadata: { name: x }\nkin: ConfigMap # kind: typo\n',
        "a document has no kind (Object 'Kind' is missing), and the file looks like a manifest"
      ]
    ]) {
      const repo = repoWith({
        'manifests/cm.yaml': file as string,
        'apps/web.yaml': application(`  source: { repoURL: ${ORIGIN}, path: manifests }`)
      })
      expect(await renderErrors(repo)).toEqual([
        `target web: manifests/cm.yaml: ${reason}; Argo CD fails such a file ("Failed to unmarshal")`
      ])
    }
  })

  it('directory.disableExtensionFilter (3.5): every file is a candidate, include/exclude filter them', async () => {
    const repo = repoWith({
      'manifests/cm.manifest': CM,
      'manifests/README.md': '# Manifests\n\nThe config maps of the shop.\n',
      'manifests/skip.txt': 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\n',
      'apps/web.yaml': application(
        `  source: { repoURL: ${ORIGIN}, path: manifests, directory: { disableExtensionFilter: true, exclude: "*.txt" } }`
      )
    })
    // repository.go:2151 (no extension check), :2191 (exclude), then the same decode rule:
    // README.md is one plain scalar, not an object, and is left out.
    expect(await rendered(repo)).toEqual([parseStream(CM)[0]])
  })
})

describe('kustomize.kubeVersion and kustomize.apiVersions (issue 26)', () => {
  const files = {
    'app/kustomization.yaml': 'resources: [cm.yaml]\nnamePrefix: p-\n',
    'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\n'
  }

  it('render as kustomize build <path>: the helm flags need --enable-helm in kustomize.buildOptions', async () => {
    const repo = repoWith({
      ...files,
      'apps/web.yaml': application(
        `  source: { repoURL: ${ORIGIN}, path: app, kustomize: { kubeVersion: "1.29", apiVersions: [monitoring.coreos.com/v1] } }`
      )
    })
    // util/kustomize/kustomize.go:385 (no build options: `kustomize build <path>`), :412
    // (--helm-kube-version/--helm-api-versions only with --enable-helm in the build options).
    const theirs = execFileSync(KUBECTL, ['kustomize', 'app'], {
      cwd: repo,
      env: toolEnv(),
      encoding: 'utf8'
    })
    expect(await rendered(repo)).toEqual(parseStream(theirs))
  })

  it('a version parseKubeVersion cannot parse fails the Application (repository.go:1775)', () => {
    const repo = repoWith({
      ...files,
      'apps/web.yaml': application(
        `  source: { repoURL: ${ORIGIN}, path: app, kustomize: { kubeVersion: latest } }`
      )
    })
    expect(findings(repo)).toEqual([
      'apps/web.yaml:1:1 invalid: kustomize.kubeVersion: could not parse Kubernetes version "latest"'
    ])
  })

  describe.each(HELM_VERSIONS)('helm.kubeVersion on $label', ({ bin }) => {
    it('reaches helm as parseKubeVersion prints it (v1.29.3-gke.100 → 1.29.3)', async () => {
      const repo = repoWith({
        'chart/Chart.yaml': 'apiVersion: v2\nname: kv\nversion: 0.1.0\n',
        'chart/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: kv }\ndata: { v: {{ .Capabilities.KubeVersion.Version | quote }} }\n',
        'apps/web.yaml': application(
          `  source: { repoURL: ${ORIGIN}, path: chart, helm: { kubeVersion: v1.29.3-gke.100 } }`
        )
      })
      const env = toolEnv(bin)
      // repository.go:1292-:1300: KubeVersion: parseKubeVersion(helm.kubeVersion).
      const theirs = execFileSync(
        bin,
        [
          'template',
          'web',
          'chart',
          '--namespace',
          'store',
          '--kube-version',
          '1.29.3',
          '--include-crds'
        ],
        { cwd: repo, env, encoding: 'utf8' }
      )
      const ours = await rendered(repo, env)
      expect(ours).toEqual(parseStream(theirs))
      expect(ours[0]).toMatchObject({ data: { v: 'v1.29.3' } })
    })
  })
})

describe('merge generators (applicationset/generators/merge.go)', () => {
  const context = (goTemplate: boolean): GeneratorContext => ({
    repoRoot: makeRepo({ files: { 'cfg/a.yaml': 'replicas: "3"\n' } }),
    goTemplate,
    isThisRepository: url => url === ORIGIN,
    clusters: []
  })
  const list = (...elements: string[]) => `{ list: { elements: [${elements.join(', ')}] } }`
  const merge = (mergeKeys: string, ...generators: string[]) =>
    parseStream(`merge: { mergeKeys: [${mergeKeys}], generators: [${generators.join(', ')}] }`)[0]

  it('children are not interpolated (Transform with empty params, merge.go:165)', () => {
    const generator = merge(
      'name',
      list('{ name: a, env: dev }', '{ name: b, env: prod }'),
      // In a matrix this path would read cfg/a.yaml; in a merge it stays as written.
      `{ git: { repoURL: ${ORIGIN}, revision: HEAD, files: [{ path: "cfg/{{name}}.yaml" }] } }`,
      list('{ name: b, env: staging }')
    )
    expect(generatorParams(generator, context(false))).toEqual([
      { name: 'a', env: 'dev' },
      { name: 'b', env: 'staging' }
    ])
  })

  it('two parameter sets with one merge key fail the ApplicationSet (ErrNonUniqueParamSets)', () => {
    const generator = merge(
      'name',
      list('{ name: a }'),
      list('{ name: a, env: dev }', '{ name: a, env: prod }')
    )
    expect(() => generatorParams(generator, context(false))).toThrow(
      'the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {"name":"a"}'
    )
  })

  it('Go template mode: a merge key is a top-level name (paramSet[mergeKey], merge.go:117)', () => {
    const generator = merge(
      'env.name',
      list('{ env: { name: a }, n: 1 }', '{ env: { name: b }, n: 2 }'),
      list('{ env: { name: a }, n: 3 }')
    )
    expect(() => generatorParams(generator, context(true))).toThrow(
      'Duplicate key was {"env.name":null}'
    )
    const nested = merge(
      'name',
      list('{ name: a, cfg: { p: 1, q: 1 } }'),
      list('{ name: a, cfg: { q: 2 } }')
    )
    // mergo.Merge WithOverride: nested maps merged.
    expect(generatorParams(nested, context(true))).toEqual([{ name: 'a', cfg: { p: 1, q: 2 } }])
  })
})
