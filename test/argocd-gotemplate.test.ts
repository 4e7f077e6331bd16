import { afterAll, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { discoverArgoTargets } from '../src/argocd/discover.js'
import type { HydrateConfig } from '../src/config/types.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import { formatLocation } from '../src/errors.js'
import { cleanupTempDirs, git, makeRepo } from './helpers/repo.js'

// An ApplicationSet in goTemplate mode as real ones are written: pipelines, Sprig and Argo CD's
// functions in names, sources, values and destinations (issue 26). The expected Applications
// are what Argo CD's ApplicationSet controller yields: the git files generator's parameters
// (applicationset/generators/git.go: the file's keys plus `path`), each string of the template
// through Render.Replace (applicationset/utils/utils.go, Go's text/template with Sprig).

afterAll(cleanupTempDirs)

const ORIGIN = 'https://github.com/example/gitops.git'

const CHART = {
  'charts/guestbook/Chart.yaml': 'apiVersion: v2\nname: guestbook\nversion: 0.1.0\n',
  'charts/guestbook/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: gb }\ndata:\n  replicas: {{ .Values.replicaCount | quote }}\n  tag: {{ .Values.image.tag | quote }}\n'
}

const SET = [
  'apiVersion: argoproj.io/v1alpha1',
  'kind: ApplicationSet',
  'metadata: { name: guestbooks, namespace: argocd }',
  'spec:',
  '  goTemplate: true',
  '  generators:',
  `    - git: { repoURL: ${ORIGIN}, revision: HEAD, files: [{ path: "envs/*/config.yaml" }] }`,
  '  template:',
  '    metadata:',
  '      name: \'{{ .env | normalize }}-{{ default "guestbook" .app }}\'',
  '      labels:',
  '        team: \'{{ default "platform" .team | lower }}\'',
  '    spec:',
  '      project: default',
  '      source:',
  `        repoURL: ${ORIGIN}`,
  '        targetRevision: HEAD',
  '        path: \'{{ printf "charts/%s" (default "guestbook" .app) }}\'',
  '        helm:',
  '          releaseName: \'{{ .env | lower | replace "_" "-" | trunc 7 | trimSuffix "-" }}\'',
  '          values: |',
  '            {{- toYaml .values | nindent 2 }}',
  '      destination:',
  "        server: '{{ .cluster.server }}'",
  '        namespace: \'{{ printf "gb-%s" (.env | normalize) }}{{ if .canary }}-canary{{ end }}\'',
  ''
].join('\n')

function repo(files: Record<string, string>): string {
  const dir = makeRepo({ files: { ...CHART, ...files } })
  git(dir, 'remote', 'add', 'origin', ORIGIN)
  return dir
}

/** The parts of a generated Application the tests read. */
interface GeneratedApp {
  metadata: { labels?: Record<string, string> }
  spec: {
    source: { path: string; helm: { releaseName: string; values: string } }
    destination: Record<string, string>
  }
}

const findingLines = (config: HydrateConfig) =>
  (config.argocd?.findings ?? []).map(
    f => `${formatLocation(f.location)} ${f.subject}: ${f.kind}: ${f.message}`
  )

describe('an ApplicationSet with pipelines, Sprig and normalize (goTemplate)', () => {
  const dir = repo({
    'set.yaml': SET,
    'envs/prod/config.yaml':
      'env: Prod_EU\nteam: Payments\ncluster: { server: "https://prod.example.com" }\nvalues: { replicaCount: 3, image: { tag: "1.25" } }\n',
    'envs/staging/config.yaml':
      'env: staging\ncanary: true\ncluster: { server: "https://kubernetes.default.svc" }\nvalues: { replicaCount: 1, image: { tag: latest } }\n'
  })
  const { applications } = discoverArgoTargets(
    dir,
    { paths: ['.'], repoURLs: [] },
    { branch: 'env/{env}', layout: 'manifest', prune: true }
  )

  it("names each Application as Go's template does (normalize, default)", () => {
    // prod: "Prod_EU" | normalize → "prod-eu"; no .app → default "guestbook".
    expect([...applications.keys()].sort()).toEqual(['prod-eu-guestbook', 'staging-guestbook'])
  })

  it('renders labels, sources and destinations (printf, lower, replace, trunc, trimSuffix, if)', () => {
    const prod = applications.get('prod-eu-guestbook')?.object as unknown as GeneratedApp
    const staging = applications.get('staging-guestbook')?.object as unknown as GeneratedApp
    expect(prod.metadata.labels).toEqual({ team: 'payments' })
    expect(staging.metadata.labels).toEqual({ team: 'platform' })
    expect(prod.spec.source.path).toBe('charts/guestbook')
    // "prod_eu" → "prod-eu" → trunc 7 → "prod-eu"; "staging" → trunc 7 → "staging".
    expect(prod.spec.source.helm.releaseName).toBe('prod-eu')
    expect(staging.spec.source.helm.releaseName).toBe('staging')
    expect(prod.spec.destination).toEqual({
      server: 'https://prod.example.com',
      namespace: 'gb-prod-eu'
    })
    expect(staging.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'gb-staging-canary'
    })
  })

  it('writes the values with toYaml | nindent: sigs.k8s.io/yaml, keys sorted, the float64 3 as 3', () => {
    const prod = applications.get('prod-eu-guestbook')?.object as unknown as GeneratedApp
    expect(prod.spec.source.helm.values).toBe('\n  image:\n    tag: "1.25"\n  replicaCount: 3\n')
    expect(parse(prod.spec.source.helm.values)).toEqual({
      replicaCount: 3,
      image: { tag: '1.25' }
    })
  })

  it('hydrates the generated Applications as targets with those values', () => {
    const config = loadConfig(dir, { allowNoTargets: true })
    expect(findingLines(config)).toEqual([])
    expect(config.targets.map(t => [t.name, t.source, t.helm?.releaseName]).sort()).toEqual([
      ['prod-eu-guestbook', 'charts/guestbook', 'prod-eu'],
      ['staging-guestbook', 'charts/guestbook', 'staging']
    ])
  })
})

describe('what Argo CD would refuse, or hydrate refuses, is a finding and no Application', () => {
  const setWith = (name: string) =>
    SET.replace(
      /name: '\{\{ \.env \| normalize \}\}-\{\{ default "guestbook" \.app \}\}'/,
      `name: '${name}'`
    )
  const config = (name: string) =>
    loadConfig(
      repo({
        'set.yaml': setWith(name),
        'envs/prod/config.yaml': 'env: prod\ncluster: { server: "https://x" }\nvalues: {}\n'
      }),
      {
        allowNoTargets: true
      }
    )

  it("a Go error fails the ApplicationSet with Go's message (Argo CD: failed to execute go template)", () => {
    const loaded = config('{{ .env.name }}')
    expect(loaded.targets).toEqual([])
    expect(findingLines(loaded)).toEqual([
      `set.yaml:1:1 ApplicationSet guestbooks: invalid: failed to execute go template {{ .env.name }}: template: base:1:7: executing "base" at <.env.name>: can't evaluate field name in type interface {}`
    ])
  })

  it('a function that is not deterministic is refused by name', () => {
    const loaded = config('gb-{{ now | date "2006" }}')
    expect(loaded.targets).toEqual([])
    expect(findingLines(loaded)).toEqual([
      'set.yaml:1:1 ApplicationSet guestbooks: unsupported: template gb-{{ now | date "2006" }}: template function now is not deterministic; hydrate refuses it (the same commit must render the same output)'
    ])
  })
})

describe('templatePatch (applicationset/controllers/template/patch.go)', () => {
  const patched = (patch: string) => {
    const set = SET.replace(
      '  template:\n',
      `  templatePatch: |\n${patch.replace(/^/gm, '    ')}\n  template:\n`
    )
    const dir = repo({
      'set.yaml': set,
      'envs/prod/config.yaml':
        'env: prod\ncanary: true\ncluster: { server: "https://x" }\nvalues: {}\n',
      'envs/dev/config.yaml': 'env: dev\ncluster: { server: "https://y" }\nvalues: {}\n'
    })
    return discoverArgoTargets(
      dir,
      { paths: ['.'], repoURLs: [] },
      { branch: 'env/{env}', layout: 'manifest', prune: true }
    )
  }

  it('renders the patch with each parameter set and merges it (maps merge, lists replace)', () => {
    const { applications } = patched(
      [
        '{{- if .canary }}',
        'metadata:',
        '  annotations: { canary: "true" }',
        'spec:',
        '  syncPolicy: { automated: { prune: true }, syncOptions: [CreateNamespace=true] }',
        '  destination: { namespace: canary-{{ .env }} }',
        '{{- end }}'
      ].join('\n')
    )
    const prod = applications.get('prod-guestbook')?.object as unknown as GeneratedApp & {
      metadata: { annotations?: Record<string, string> }
      spec: { syncPolicy?: unknown }
    }
    const dev = applications.get('dev-guestbook')?.object as unknown as GeneratedApp & {
      spec: { syncPolicy?: unknown }
    }
    expect(prod.metadata.annotations).toEqual({ canary: 'true' })
    expect(prod.spec.syncPolicy).toEqual({
      automated: { prune: true },
      syncOptions: ['CreateNamespace=true']
    })
    // The patch's destination map merges over the template's: server stays.
    expect(prod.spec.destination).toEqual({ server: 'https://x', namespace: 'canary-prod' })
    expect(dev.spec.syncPolicy).toBeUndefined()
    expect(dev.spec.destination).toEqual({ server: 'https://y', namespace: 'gb-dev' })
  })

  it('cannot change the project (Argo CD restores it)', () => {
    const { applications } = patched('spec: { project: admin }')
    const app = applications.get('prod-guestbook')?.object as unknown as {
      spec: { project: string }
    }
    expect(app.spec.project).toBe('default')
  })

  it('refuses strategic merge directives by name', () => {
    const { applications, report } = patched('spec:\n  $patch: replace')
    expect(applications.size).toBe(0)
    expect(report.findings.map(f => `${f.kind}: ${f.message}`)).toEqual([
      'unsupported: templatePatch directive $patch is not supported'
    ])
  })
})
