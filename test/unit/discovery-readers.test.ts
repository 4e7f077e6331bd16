import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { readArgoManifests } from '../../src/argocd/manifests.js'
import { formatLocation } from '../../src/errors.js'
import { readFluxObjects } from '../../src/flux/objects.js'

// What the zero-config readers take from a repository's YAML files (Argo CD Applications and
// cluster Secrets; Flux Kustomizations and what they read): which files and documents, what
// is skipped, and the file:line:col of each object and of each file that does not parse.

const dirs: string[] = []
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })))

function repoWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-readers-unit-'))
  dirs.push(dir)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  return dir
}

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`
const application = (name: string) =>
  yaml(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: {name: ${name}}`,
    'spec:',
    '  source: {path: apps/x}'
  )
const fluxKustomization = (name: string) =>
  yaml(
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    `metadata: {name: ${name}, namespace: flux-system}`,
    'spec: {path: ./x}'
  )
const aliasBomb = (...head: string[]) =>
  yaml(
    ...head,
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'
  )
const where = (found: { location: Parameters<typeof formatLocation>[0] }) =>
  formatLocation(found.location)

describe('readArgoManifests', () => {
  const repo = repoWith({
    'apps/a.yaml': yaml(
      '# leading comment',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: not-argo, annotations: {note: argoproj.io}}',
      '---',
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata: {name: set}',
      'spec: {generators: [{list: {elements: []}}]}'
    ),
    'apps/b.yml': application('b'),
    'apps/broken.yaml': yaml(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: broken',
      'spec: {}'
    ),
    'apps/broken-other.yaml': yaml('kind: ConfigMap', 'metadata: {name: x'),
    'apps/other-group.yaml': yaml(
      'apiVersion: example.com/v1',
      'kind: Application',
      'x: argoproj.io'
    ),
    'clusters/prod.yaml': yaml(
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: prod',
      '  labels: {argocd.argoproj.io/secret-type: cluster}',
      'stringData: {server: https://prod}'
    ),
    'clusters/plain-secret.yaml': yaml(
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: plain, annotations: {a: argoproj.io}}'
    ),
    'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 1.0.0\n',
    'chart/templates/app.yaml': application('in-chart'),
    '.hidden/app.yaml': application('hidden'),
    'nested/.dot/app.yaml': application('dot'),
    'nested/app.json': application('json'),
    'nested/kustomization.yaml': application('in-kustomization-file'),
    'big/app.yaml': application('big') + `# ${'x'.repeat(1024 * 1024)}\n`
  })
  fs.symlinkSync(path.join(repo, 'apps'), path.join(repo, 'linked-apps'))
  const outside = repoWith({ 'app.yaml': application('outside') })
  fs.symlinkSync(path.join(outside, 'app.yaml'), path.join(repo, 'nested', 'outside.yaml'))

  it('reads Applications, ApplicationSets and cluster Secrets with their positions', () => {
    const { manifests, clusterSecrets, findings } = readArgoManifests(repo, [''])
    expect(manifests.map(m => `${m.kind} ${m.name} ${where(m)}`)).toEqual([
      'ApplicationSet set apps/a.yaml:7:1',
      'Application b apps/b.yml:1:1',
      'Application in-kustomization-file nested/kustomization.yaml:1:1'
    ])
    expect(clusterSecrets.map(s => where(s))).toEqual(['clusters/prod.yaml:1:1'])
    expect(findings).toEqual([
      {
        location: { file: 'apps/broken.yaml', line: 4, column: 1 },
        subject: 'apps/broken.yaml',
        kind: 'invalid',
        message:
          'does not parse as YAML (Flow map in block collection must be sufficiently indented and end with a }); its Argo CD objects are not read'
      }
    ])
  })

  it('locates a field of a manifest, or the manifest where the path does not lead', () => {
    const [set] = readArgoManifests(repo, ['']).manifests
    if (!set) throw new Error('the ApplicationSet is not read')
    expect(where({ location: set.locate(['spec', 'generators', 0, 'list']) })).toBe(
      'apps/a.yaml:10:28'
    )
    expect(where({ location: set.locate(['spec', 'nothing', 'here']) })).toBe('apps/a.yaml:7:1')
  })

  it('reads only below the given folders, a folder named twice once', () => {
    const { manifests } = readArgoManifests(repo, ['linked-apps', 'apps', 'apps'])
    expect(manifests.map(m => `${m.name} ${where(m)}`)).toEqual([
      'set apps/a.yaml:7:1',
      'b apps/b.yml:1:1',
      'set linked-apps/a.yaml:7:1',
      'b linked-apps/b.yml:1:1'
    ])
    expect(readArgoManifests(repo, ['chart']).manifests).toEqual([])
  })

  it('reports a document whose aliases expand too far, as Flux’s reader does', () => {
    const bomb = repoWith({
      'apps/bomb.yaml': aliasBomb('apiVersion: argoproj.io/v1alpha1', 'kind: Application')
    })
    expect(readArgoManifests(bomb, ['']).findings.map(f => `${where(f)} ${f.message}`)).toEqual([
      'apps/bomb.yaml:1:1 does not parse as YAML (Excessive alias count indicates a resource exhaustion attack); its Argo CD objects are not read'
    ])
  })
})

describe('readFluxObjects', () => {
  const repo = repoWith({
    'clusters/prod/apps.yaml': yaml(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: vars, namespace: flux-system}',
      'data: {A: b}',
      '---',
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: GitRepository',
      'metadata: {name: flux-system}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: not-read}',
      '---',
      fluxKustomization('apps').trimEnd()
    ),
    'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
    'clusters/prod/flux-system/gotk-sync.yaml': fluxKustomization('flux-system'),
    'clusters/prod/flux-system/sub/deeper.yaml': fluxKustomization('deeper'),
    'clusters/prod/kustomize-kind.yaml': yaml(
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources: []'
    ),
    'clusters/prod/old.yaml': yaml(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1alpha1',
      'kind: Kustomization',
      'metadata: {name: old}'
    ),
    'clusters/prod/secret.yml': yaml('apiVersion: v1', 'kind: Secret', 'metadata: {name: s}'),
    'clusters/broken.yaml': yaml(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata: {name: broken',
      'spec: {}'
    ),
    'clusters/broken-configmap.yaml': yaml('kind: ConfigMap', 'metadata: {name: x'),
    'clusters/bomb.yaml': aliasBomb(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata: {name: bomb}'
    ),
    'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 1.0.0\n',
    'chart/templates/ks.yaml': fluxKustomization('in-chart'),
    '.flux/ks.yaml': fluxKustomization('hidden'),
    'big/ks.yaml': fluxKustomization('big') + `# ${'x'.repeat(1024 * 1024)}\n`
  })
  fs.symlinkSync(path.join(repo, 'clusters', 'prod'), path.join(repo, 'linked-prod'))
  const outside = repoWith({ 'ks.yaml': fluxKustomization('outside') })
  fs.symlinkSync(path.join(outside, 'ks.yaml'), path.join(repo, 'clusters', 'outside.yaml'))
  fs.symlinkSync(
    path.join(outside, 'ks.yaml'),
    path.join(repo, 'clusters', 'prod', 'flux-system', 'outside.yaml')
  )
  fs.symlinkSync(
    path.join(repo, 'clusters', 'prod', 'secret.yml'),
    path.join(repo, 'clusters', 'prod', 'flux-system', 'linked-secret.yaml')
  )

  // Symlinks: read while they stay inside the repository (a symlinked file in a kustomization
  // directory too), a directory once (linked-prod is clusters/prod), nothing outside.
  it('reads Flux Kustomizations and what they read, with their positions', () => {
    const { kustomizations, others, findings } = readFluxObjects(repo)
    expect(kustomizations.map(k => `${k.name}/${k.namespace} ${where(k)}`)).toEqual([
      'apps/flux-system clusters/prod/apps.yaml:14:1',
      'flux-system/flux-system clusters/prod/flux-system/gotk-sync.yaml:1:1',
      'deeper/flux-system clusters/prod/flux-system/sub/deeper.yaml:1:1'
    ])
    expect(others.map(o => `${o.kind} ${o.name}/${o.namespace} ${where(o)}`)).toEqual([
      'ConfigMap vars/flux-system clusters/prod/apps.yaml:1:1',
      'GitRepository flux-system/ clusters/prod/apps.yaml:6:1',
      'Secret s/ clusters/prod/flux-system/linked-secret.yaml:1:1',
      'Secret s/ clusters/prod/secret.yml:1:1'
    ])
    expect(findings).toEqual([
      {
        location: { file: 'clusters/bomb.yaml', line: 1, column: 1 },
        subject: 'clusters/bomb.yaml',
        kind: 'invalid',
        message:
          'does not parse as YAML (Excessive alias count indicates a resource exhaustion attack); its Flux objects are not read'
      },
      {
        location: { file: 'clusters/broken.yaml', line: 4, column: 1 },
        subject: 'clusters/broken.yaml',
        kind: 'invalid',
        message:
          'does not parse as YAML (Flow map in block collection must be sufficiently indented and end with a }); its Flux objects are not read'
      }
    ])
  })
})
