import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { goExpand } from '../src/argocd/envsubst.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import { renderRepository, writeLayouts } from '../src/engine.js'
import { formatLocation } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, git, makeRepo, tempDir } from './helpers/repo.js'
import { HELM_VERSIONS, KUBECTL, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

// Issue 26, case by case against Argo CD v3.5.1 (argoproj/argo-cd 37ee0097): the expected
// output is helm run with the argument list the repo-server builds, written out per case with
// the source line it comes from.

afterAll(cleanupTempDirs)

const ORIGIN = 'https://github.com/example/semantics.git'

describe("Go's os.Expand, as Env.Envsubst uses it (pkg/apis/application/v1alpha1/types.go:181)", () => {
  const vars: Record<string, string> = {
    HOME: '/usr/gopher',
    H: '(Value of H)',
    '*': 'all',
    '1': 'ONE'
  }
  const expand = (text: string) => goExpand(text, name => (name === '$' ? '$' : (vars[name] ?? '')))
  // Go's os_test.go expandTests, with the same mapping.
  it.each([
    ['', ''],
    ['$*', 'all'],
    ['$$', '$'],
    ['${*}', 'all'],
    ['$1', 'ONE'],
    ['${1}', 'ONE'],
    ['now is the time', 'now is the time'],
    ['$HOME', '/usr/gopher'],
    ['$home_1', ''],
    ['${HOME}', '/usr/gopher'],
    ['${H}OME', '(Value of H)OME'],
    ['A$$$#$1$H$home_1*B', 'A$ONE(Value of H)*B'],
    ['start$+middle$^end$', 'start$+middle$^end$'],
    ['mixed$|bag$$$', 'mixed$|bag$$'],
    ['$', '$'],
    ['$}', '$}'],
    ['${', ''],
    ['${}', '']
  ])('%j → %j', (input, output) => {
    expect(expand(input)).toBe(output)
  })
})

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'chart/values.yaml': 'who: nobody\nns: none\nunknown: kept\nprice: cheap\nfile: none\n',
  'chart/values-web.yaml': 'file: values-web\n',
  'chart/templates/cm.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: {{ .Release.Name }} }',
    'data:',
    '  who: {{ .Values.who | quote }}',
    '  ns: {{ .Values.ns | quote }}',
    '  unknown: {{ .Values.unknown | quote }}',
    '  price: {{ .Values.price | quote }}',
    '  file: {{ .Values.file | quote }}',
    ''
  ].join('\n')
}

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

describe('build environment variables (issue 26 item 1)', () => {
  const repo = makeRepo({
    files: {
      ...CHART,
      'apps/web.yaml': application(
        [
          `  source:`,
          `    repoURL: ${ORIGIN}`,
          '    path: chart',
          '    helm:',
          '      valueFiles: [values-$ARGOCD_APP_NAME.yaml]',
          '      parameters:',
          '        - { name: who, value: $ARGOCD_APP_NAME }',
          '        - { name: ns, value: "${ARGOCD_APP_NAMESPACE}-$ARGOCD_APP_PROJECT_NAME" }',
          '        - { name: unknown, value: "[$NOT_SET]" }',
          '        - { name: price, value: "$$5", forceString: true }'
        ].join('\n')
      )
    }
  })
  git(repo, 'remote', 'add', 'origin', ORIGIN)

  it('are substituted as Env.Envsubst does: known values, unknown ones empty, $$ a dollar', () => {
    const [target] = loadConfig(repo).targets
    expect(target?.helm?.parameters).toEqual([
      { name: 'who', value: 'web', forceString: false },
      { name: 'ns', value: 'store-shop', forceString: false },
      { name: 'unknown', value: '[]', forceString: false },
      { name: 'price', value: '$5', forceString: true }
    ])
    expect(target?.helm?.valueFiles).toEqual(['chart/values-web.yaml'])
  })

  describe.each(HELM_VERSIONS)('on $label', ({ bin }) => {
    it('renders as helm template with the arguments repository.go builds', async () => {
      const env = toolEnv(bin)
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.errors.map(e => e.message)).toEqual([])
      const out = tempDir()
      writeLayouts(out, result.layouts)
      const ours = fs.readFileSync(path.join(out, 'env/in-cluster/web/manifest.yaml'), 'utf8')
      // reposerver/repository/repository.go:1364 (value files through env.Envsubst, relative to
      // the chart), :1380/:1383 (--set / --set-string values through env.Envsubst), release name
      // = app name (:1377), --namespace = destination namespace, --include-crds (skipCrds false).
      const theirs = execFileSync(
        bin,
        [
          'template',
          'web',
          'chart',
          '--namespace',
          'store',
          '--values',
          'chart/values-web.yaml',
          '--set',
          'who=web',
          '--set',
          'ns=store-shop',
          '--set',
          'unknown=[]',
          '--set-string',
          'price=$5',
          '--include-crds'
        ],
        { cwd: repo, env, encoding: 'utf8' }
      )
      const a = byIdentity(parseStream(ours))
      const b = byIdentity(parseStream(theirs))
      expect([...a.keys()]).toEqual([...b.keys()])
      for (const [id, resource] of b) expect({ id, resource: a.get(id) }).toEqual({ id, resource })
    })
  })

  it('a revision variable is refused by name (hydrate renders before the commit exists)', () => {
    const other = makeRepo({
      files: {
        ...CHART,
        'apps/web.yaml': application(
          `  source: { repoURL: ${ORIGIN}, path: chart, helm: { parameters: [{ name: who, value: $ARGOCD_APP_REVISION_SHORT }] } }`
        )
      }
    })
    git(other, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(other, { allowNoTargets: true })
    expect(
      config.argocd?.findings.map(f => `${formatLocation(f.location)} ${f.kind}: ${f.message}`)
    ).toEqual([
      'apps/web.yaml:1:1 unsupported: helm.parameters who uses $ARGOCD_APP_REVISION_SHORT, which depends on the commit Argo CD renders'
    ])
  })

  it('kustomize: images and commonLabels always, commonAnnotations with commonAnnotationsEnvsubst', () => {
    const other = makeRepo({
      files: {
        'app/kustomization.yaml': 'resources: [cm.yaml]\n',
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\n',
        'apps/web.yaml': application(
          [
            `  source:`,
            `    repoURL: ${ORIGIN}`,
            '    path: app',
            '    kustomize:',
            '      images: [registry/$ARGOCD_APP_NAME:1.0]',
            '      commonLabels: { app: $ARGOCD_APP_NAME, missing: "x${NOPE}" }',
            '      commonAnnotations: { source: $ARGOCD_APP_SOURCE_PATH }',
            '      commonAnnotationsEnvsubst: true'
          ].join('\n')
        )
      }
    })
    git(other, 'remote', 'add', 'origin', ORIGIN)
    const edits = loadConfig(other).targets[0]?.kustomize?.edits
    // util/kustomize/kustomize.go:189 (images), :236 (commonLabels), :257 (annotations).
    expect(edits?.images).toEqual(['registry/web:1.0'])
    expect(edits?.commonLabels).toEqual({ app: 'web', missing: 'x' })
    expect(edits?.commonAnnotations).toEqual({ source: 'app' })
  })
})

describe('YAML 1.1 lookalike strings stay strings (issue 26 item 4)', () => {
  const chart = {
    'chart/Chart.yaml': 'apiVersion: v2\nname: flags\nversion: 0.1.0\n',
    'chart/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags }\ndata:\n  a: {{ .Values.a | quote }}\n  b: {{ .Values.b | quote }}\n  c: {{ .Values.c | quote }}\n'
  }
  const repo = makeRepo({
    files: {
      ...chart,
      'apps/web.yaml': application(
        `  source: { repoURL: ${ORIGIN}, path: chart, helm: { valuesObject: { a: "yes", b: "on", c: "NO" } } }`
      )
    }
  })
  git(repo, 'remote', 'add', 'origin', ORIGIN)

  describe.each(HELM_VERSIONS)('on $label', ({ bin }) => {
    it('valuesObject as the values file Argo CD writes (sigs.k8s.io/yaml quotes them)', async () => {
      const env = toolEnv(bin)
      const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
      expect(result.errors.map(e => e.message)).toEqual([])
      const out = tempDir()
      writeLayouts(out, result.layouts)
      const ours = fs.readFileSync(path.join(out, 'env/in-cluster/web/manifest.yaml'), 'utf8')
      // repository.go writes valuesObject to a temporary values file (yaml.Marshal) and passes
      // it with --values: helm template web chart --namespace store --values <file> --include-crds
      const values = path.join(tempDir(), 'values.yaml')
      fs.writeFileSync(values, 'a: "yes"\nb: "on"\nc: "NO"\n')
      const theirs = execFileSync(
        bin,
        ['template', 'web', 'chart', '--namespace', 'store', '--values', values, '--include-crds'],
        { cwd: repo, env, encoding: 'utf8' }
      )
      expect(parseStream(ours)).toEqual(parseStream(theirs))
      expect(parseStream(ours)[0]).toMatchObject({ data: { a: 'yes', b: 'on', c: 'NO' } })
    })
  })

  it('a kustomization the tool rewrites keeps them quoted', async () => {
    const other = makeRepo({
      files: {
        'app/kustomization.yaml':
          'resources: [cm.yaml]\nconfigMapGenerator: [{ name: flags, literals: ["x=1"] }]\ncommonAnnotations: { enabled: "yes" }\n',
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\n',
        'apps/web.yaml': application(
          `  source: { repoURL: ${ORIGIN}, path: app, kustomize: { namePrefix: p- } }`
        )
      }
    })
    git(other, 'remote', 'add', 'origin', ORIGIN)
    const result = await renderRepository({
      repoRoot: other,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors.map(e => e.message)).toEqual([])
    const objects = result.rendered[0]?.resources.map(r => r.object) ?? []
    expect(objects.map(o => (o.metadata as { annotations?: unknown }).annotations)).toEqual([
      { enabled: 'yes' },
      { enabled: 'yes' }
    ])
  })
})

describe('# +argocd:skip-file-rendering (issue 26 item 5)', () => {
  it('a marked file of a directory source is not read, as getPotentiallyValidManifestFile skips it', async () => {
    const repo = makeRepo({
      files: {
        'manifests/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: kept }\n',
        // Not even YAML: Argo CD skips it before parsing (repository.go:2205).
        'manifests/notes.yaml': '# +argocd:skip-file-rendering\nthis: [is not closed\n',
        'apps/web.yaml': application(`  source: { repoURL: ${ORIGIN}, path: manifests }`)
      }
    })
    git(repo, 'remote', 'add', 'origin', ORIGIN)
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors.map(e => e.message)).toEqual([])
    expect(result.rendered[0]?.resources.map(r => `${r.kind}/${r.name}`)).toEqual([
      'ConfigMap/kept'
    ])
  })
})

describe('kustomize.images replaces the entry of its name (issue 26 item 3)', () => {
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: web }',
    'spec:',
    '  selector: { matchLabels: { app: web } }',
    '  template:',
    '    metadata: { labels: { app: web } }',
    '    spec: { containers: [{ name: web, image: "nginx:0.1" }, { name: side, image: "redis:7" }] }',
    ''
  ].join('\n')
  const overlay =
    'resources: [deploy.yaml]\nimages:\n  - { name: nginx, newName: registry.example.com/nginx, newTag: "1.0" }\n  - { name: redis, newName: mirror/redis }\n'

  it.each([
    // util/kustomize/kustomize.go:189 runs `kustomize edit set image <images…>`; setimage.go
    // replaces the entry whole, `*` keeping the kustomization's field.
    [
      'nginx:2.0',
      'images:\n  - { name: nginx, newTag: "2.0" }\n  - { name: redis, newName: mirror/redis }\n',
      'nginx:2.0'
    ],
    [
      'nginx=*:3.0',
      'images:\n  - { name: nginx, newName: registry.example.com/nginx, newTag: "3.0" }\n  - { name: redis, newName: mirror/redis }\n',
      'registry.example.com/nginx:3.0'
    ]
  ])(
    '%s: as kubectl kustomize builds the kustomization set image writes',
    async (image, images, expected) => {
      const repo = makeRepo({
        files: {
          'app/kustomization.yaml': overlay,
          'app/deploy.yaml': deployment,
          'apps/web.yaml': application(
            `  source: { repoURL: ${ORIGIN}, path: app, kustomize: { images: ["${image}"] } }`
          )
        }
      })
      git(repo, 'remote', 'add', 'origin', ORIGIN)
      const result = await renderRepository({
        repoRoot: repo,
        logger: new MemoryLogger(),
        env: toolEnv()
      })
      expect(result.errors.map(e => e.message)).toEqual([])
      const expectedDir = tempDir()
      fs.writeFileSync(
        path.join(expectedDir, 'kustomization.yaml'),
        `resources: [deploy.yaml]\n${images}`
      )
      fs.writeFileSync(path.join(expectedDir, 'deploy.yaml'), deployment)
      const theirs = parseStream(
        execFileSync(KUBECTL, ['kustomize', expectedDir], { encoding: 'utf8', env: toolEnv() })
      )
      const ours = result.rendered[0]?.resources.map(r => r.object)
      expect(ours).toEqual(theirs)
      expect(JSON.stringify(ours)).toContain(`"image":"${expected}"`)
      expect(JSON.stringify(ours)).toContain('"image":"mirror/redis:7"')
    }
  )
})

describe('.argocd-source.yaml and .argocd-source-<app>.yaml (issue 26 item 2)', () => {
  const repo = makeRepo({
    files: {
      ...CHART,
      // What Argo CD Image Updater writes back; a JSON merge patch over the source.
      'chart/.argocd-source.yaml':
        'helm:\n  parameters:\n    - { name: price, value: "9", forceString: true }\n',
      'chart/.argocd-source-web.yaml': 'path: elsewhere\nhelm:\n  valueFiles: [values-web.yaml]\n',
      'chart/.argocd-source-other.yaml': 'helm: { parameters: [{ name: who, value: other }] }\n',
      'apps/web.yaml': application(
        `  source: { repoURL: ${ORIGIN}, path: chart, helm: { parameters: [{ name: who, value: app }] } }`
      )
    }
  })
  git(repo, 'remote', 'add', 'origin', ORIGIN)

  it('are merged as mergeSourceParameters does, in that order, path kept', async () => {
    const [target] = loadConfig(repo).targets
    expect(target?.definedBy).toEqual([
      'apps/web.yaml',
      'chart/.argocd-source.yaml',
      'chart/.argocd-source-web.yaml'
    ])
    const env = toolEnv()
    const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
    expect(result.errors.map(e => e.message)).toEqual([])
    // repository.go:1952 (mergeSourceParameters before the type is chosen), then helmTemplate:
    // the merged parameters replace the Application's list (a merge patch replaces arrays).
    const theirs = execFileSync(
      HELM_VERSIONS[0]?.bin as string,
      [
        'template',
        'web',
        'chart',
        '--namespace',
        'store',
        '--values',
        'chart/values-web.yaml',
        '--set-string',
        'price=9',
        '--include-crds'
      ],
      { cwd: repo, env, encoding: 'utf8' }
    )
    expect(result.rendered[0]?.resources.map(r => r.object)).toEqual(parseStream(theirs))
  })

  it('a file that does not parse is the Application’s finding', () => {
    const broken = makeRepo({
      files: {
        ...CHART,
        'chart/.argocd-source.yaml': 'helm: [unclosed\n',
        'apps/web.yaml': application(`  source: { repoURL: ${ORIGIN}, path: chart }`)
      }
    })
    git(broken, 'remote', 'add', 'origin', ORIGIN)
    const config = loadConfig(broken, { allowNoTargets: true })
    expect(config.argocd?.findings.map(f => `${f.kind}: ${f.message.split(':')[0]}`)).toEqual([
      'invalid: chart/.argocd-source.yaml does not parse'
    ])
  })
})
