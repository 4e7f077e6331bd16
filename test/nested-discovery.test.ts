import { afterAll, describe, expect, it } from '@jest/globals'
import { loadTargets } from '../src/engine.js'
import { formatLocation } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

// Targets declared by rendered output (Argo CD app-of-apps, Flux nested Kustomizations): a
// parent whose inputs name the API group but whose render fails is a finding, not a crash.

afterAll(cleanupTempDirs)

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`
const load = (repo: string) =>
  loadTargets({ repoRoot: repo, logger: new MemoryLogger(), env: toolEnv() })

describe('a parent whose output cannot be rendered', () => {
  it('Argo CD: its Application is a finding, and no child is read', async () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml':
          'version: 1\nargocd: { paths: [argocd], repoURLs: [https://example.com/repo] }\n',
        'argocd/parent.yaml': yaml(
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: parent, labels: { hydrate/env: dev } }',
          'spec:',
          '  source: { repoURL: https://example.com/repo, path: apps/parent }'
        ),
        'apps/parent/kustomization.yaml': 'resources: [child.yaml, missing.yaml]\n',
        'apps/parent/child.yaml': yaml(
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: child, labels: { hydrate/env: dev } }',
          'spec:',
          '  source: { repoURL: https://example.com/repo, path: apps/child }'
        )
      }
    })
    const config = await load(repo)
    expect(config.targets.map(t => t.name)).toEqual(['parent'])
    expect(
      (config.argocd?.findings ?? []).map(
        f => `${formatLocation(f.location)}: ${f.subject}: ${f.kind}: ${f.message}`
      )
    ).toEqual([
      expect.stringMatching(
        /^argocd\/parent\.yaml:1:1: Application parent: invalid: its output cannot be read for Applications: target parent: kubectl kustomize apps\/parent exited with code 1\n.*missing\.yaml/s
      )
    ])
  })

  it('Flux: its Kustomization is a finding, and no child is read', async () => {
    const kustomization = (name: string, target: string) =>
      yaml(
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        `metadata: {name: ${name}, namespace: flux-system}`,
        'spec:',
        '  interval: 10m',
        '  sourceRef: {kind: GitRepository, name: flux-system}',
        `  path: ${target}`
      )
    const repo = makeRepo({
      files: {
        'clusters/dev/apps.yaml': kustomization('apps', './apps/dev'),
        'apps/dev/kustomization.yaml': 'resources: [nested.yaml, missing.yaml]\n',
        'apps/dev/nested.yaml': kustomization('nested', './apps/nested'),
        'apps/nested/cm.yaml': yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}')
      }
    })
    const config = await load(repo)
    expect(config.targets.map(t => t.name)).toEqual(['apps-dev'])
    expect(
      (config.flux?.findings ?? []).map(
        f => `${formatLocation(f.location)}: ${f.subject}: ${f.kind}: ${f.message}`
      )
    ).toEqual([
      expect.stringMatching(
        /^clusters\/dev\/apps\.yaml:1:1: Kustomization apps \(clusters\/dev\/apps\.yaml\): invalid: its output cannot be read for Kustomizations: target apps-dev: kubectl kustomize apps\/dev exited with code 1\n.*missing\.yaml/s
      ),
      'apps/dev/nested.yaml:1:1: Kustomization nested: skipped: not in a clusters/<env>/ directory, and no Kustomization of a cluster has it in its output'
    ])
  })
})
