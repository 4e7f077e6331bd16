import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../src/engine/loadConfig.js'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { affectedTargets } from '../src/targets/affected.js'
import { hydrateForTest } from './helpers/engine.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  makeRepo,
  writeFiles
} from './helpers/repo.js'
import { countingTools, KUBECTL, toolEnv } from './helpers/tools.js'
import { parseStream } from './helpers/yaml.js'

afterAll(cleanupTempDirs)

const CM = (name: string, namespace = 'flux-system') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`

/** A Flux bootstrap layout: clusters/prod holds flux-system/ (a kustomization) and plain files. */
const FLUX: Record<string, string> = {
  'hydrate.yaml':
    'version: 1\ntargets:\n  - { name: cluster-prod, env: prod, source: clusters/prod, path: cluster }\n',
  'clusters/prod/flux-system/kustomization.yaml': [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - gotk-components.yaml',
    '  - gotk-sync.yaml',
    '  - ../../../platform/flux-settings',
    'patches:',
    '  - path: replicas.yaml',
    ''
  ].join('\n'),
  'clusters/prod/flux-system/gotk-components.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: source-controller, namespace: flux-system}',
    'spec:',
    '  replicas: 1',
    '  selector: {matchLabels: {app: source-controller}}',
    '  template:',
    '    metadata: {labels: {app: source-controller}}',
    '    spec:',
    '      containers: [{name: manager, image: "ghcr.io/fluxcd/source-controller:v1.4.1"}]',
    ''
  ].join('\n'),
  'clusters/prod/flux-system/gotk-sync.yaml': [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: GitRepository',
    'metadata: {name: flux-system, namespace: flux-system}',
    'spec: {interval: 1m0s, ref: {branch: main}, url: "ssh://git@github.com/org/fleet"}',
    '---',
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata: {name: flux-system, namespace: flux-system}',
    'spec: {interval: 10m0s, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}',
    ''
  ].join('\n'),
  'clusters/prod/flux-system/replicas.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: source-controller, namespace: flux-system}\nspec: {replicas: 2}\n',
  // Beside the kustomization, but not named by it: kustomize never reads it, nor do we.
  'clusters/prod/flux-system/notes.yaml': 'not: [a manifest\n',
  'platform/flux-settings/kustomization.yaml': 'resources: [settings.yaml]\n',
  'platform/flux-settings/settings.yaml': CM('flux-settings'),
  'clusters/prod/apps.yaml': CM('apps', 'default'),
  'clusters/prod/infra/namespace.yaml':
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: infra}\n',
  'clusters/prod/zz-last.yaml': CM('last', 'default')
}

async function render(files: Record<string, string>) {
  const repo = makeRepo({ files })
  const result = await renderRepository({
    repoRoot: repo,
    logger: new MemoryLogger(),
    env: toolEnv()
  })
  return { repo, result }
}

describe('a plain directory target holding a kustomization (Flux flux-system/)', () => {
  it('builds the kustomization with kustomize, in the place of its files, and the plain files as they are', async () => {
    const { repo, result } = await render(FLUX)
    expect(result.errors.map(e => e.message)).toEqual([])
    expect(result.policy.findings).toEqual([])
    const [rendered] = result.rendered
    // Byte-wise path order: apps.yaml, flux-system/ (the build), infra/namespace.yaml, zz-last.yaml.
    const built = execFileSync(KUBECTL, ['kustomize', 'clusters/prod/flux-system'], {
      cwd: repo,
      env: toolEnv(),
      encoding: 'utf8'
    })
    const builtIds = (
      parseStream(built) as Array<{ kind: string; metadata: { name: string } }>
    ).map(d => `${d.kind} ${d.metadata.name}`)
    expect(builtIds).toHaveLength(4)
    expect(rendered?.resources.map(r => `${r.kind} ${r.name}`)).toEqual([
      'ConfigMap apps',
      ...builtIds,
      'Namespace infra',
      'ConfigMap last'
    ])
    const deployment = rendered?.resources.find(r => r.kind === 'Deployment')
    expect((deployment?.object.spec as { replicas: number }).replicas).toBe(2) // the patch applied
    expect(rendered?.resources.some(r => r.name === 'flux-settings')).toBe(true) // a base outside the dir
    expect(rendered?.resources.some(r => r.group === 'kustomize.config.k8s.io')).toBe(false)
    expect(rendered?.tools).toEqual({ kustomize: expect.any(String) })
    expect(rendered?.commands).toEqual([
      "find clusters/prod -type f \\( -name '*.yaml' -o -name '*.yml' \\) -not -path '*/.*' -not -path 'clusters/prod/flux-system/*' | LC_ALL=C sort | xargs awk 'FNR==1{print \"---\"}1'",
      'kubectl kustomize clusters/prod/flux-system'
    ])
    // Run at the repository root, one YAML stream each, the commands give the same objects.
    const script = rendered?.commands.join(' && echo --- && ') ?? 'false'
    const reproduced = execFileSync('sh', ['-c', script], {
      cwd: repo,
      env: { ...toolEnv(), PATH: `${path.dirname(KUBECTL)}:${process.env.PATH ?? ''}` },
      encoding: 'utf8'
    })
    const ids = (docs: unknown[]) =>
      (docs as Array<{ kind: string; metadata: { name: string } }>)
        .map(d => `${d.kind} ${d.metadata.name}`)
        .sort()
    expect(ids(parseStream(reproduced))).toEqual(ids(rendered?.resources.map(r => r.object) ?? []))
  })

  it('renders the same bytes every time', async () => {
    const first = await render(FLUX)
    const second = await render(FLUX)
    const manifest = (r: typeof first) => r.result.layouts[0]?.files.get('cluster/manifest.yaml')
    expect(manifest(first)).toBeDefined()
    expect(manifest(second)).toBe(manifest(first))
  })

  it('finds a kustomization at any depth, in any of its three names', async () => {
    const { result } = await render({
      'hydrate.yaml': 'version: 1\ntargets:\n  - { name: deep, env: prod, source: deep }\n',
      'deep/a/b/Kustomization': 'resources: [cm.yaml]\nnamePrefix: built-\n',
      'deep/a/b/cm.yaml': CM('one'),
      'deep/a/c/kustomization.yml': 'resources: [cm.yaml]\nnamePrefix: yml-\n',
      'deep/a/c/cm.yaml': CM('two'),
      'deep/plain.yaml': CM('plain')
    })
    expect(result.errors.map(e => e.message)).toEqual([])
    expect(result.rendered[0]?.resources.map(r => r.name)).toEqual([
      'built-one',
      'yml-two',
      'plain'
    ])
  })

  it('names the file in every finding and error of a directory target', async () => {
    const { result } = await render({
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: floaty, env: prod, source: floaty }\n  - { name: broken, env: prod, source: broken }\n  - { name: failing, env: prod, source: failing }\n',
      'floaty/ok.yaml': CM('ok'),
      'floaty/floaty.yaml': `${CM('fine')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n`,
      'floaty/again.yaml': CM('ok'),
      'broken/good.yaml': CM('good'),
      'broken/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n',
      'failing/plain.yaml': CM('plain'),
      'failing/base/kustomization.yaml': 'resources: [missing.yaml]\n'
    })
    expect(
      result.policy.findings.map(f => `${f.target} ${f.rule} ${f.resource}: ${f.message}`)
    ).toEqual([
      'floaty duplicate-resource ConfigMap flux-system/ok: duplicate resource /ConfigMap/flux-system/ok (floaty/again.yaml: document 1 and floaty/ok.yaml: document 1); the second is left out',
      'floaty invalid-resource ConfigMap: floaty/floaty.yaml: document 2 (kind ConfigMap) is missing metadata.name'
    ])
    const errors = result.errors.map(e => e.message).sort()
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(
      /^target broken: broken\/bad\.yaml: document 1 is not valid YAML: .* at line 5, column 1/
    )
    expect(errors[1]).toMatch(
      /^target failing: kubectl kustomize failing\/base exited with code 1\n.*missing\.yaml/s
    )
  })

  it('a directory target whose own root holds a kustomization is built by kustomize', async () => {
    const { result } = await render({
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: forced, env: prod, source: overlay, type: directory }\n',
      'overlay/kustomization.yaml': 'resources: [cm.yaml]\nnameSuffix: -built\n',
      'overlay/cm.yaml': CM('app'),
      'overlay/stray.yaml': CM('stray')
    })
    expect(result.errors.map(e => e.message)).toEqual([])
    expect(result.rendered[0]?.resources.map(r => r.name)).toEqual(['app-built'])
    expect(result.rendered[0]?.commands).toEqual(['kubectl kustomize overlay'])
  })

  it('refuses a nested kustomization that reads outside the repository, as for kustomize targets', async () => {
    const { result } = await render({
      'hydrate.yaml': 'version: 1\ntargets:\n  - { name: escape, env: prod, source: dir }\n',
      'dir/plain.yaml': CM('plain'),
      'dir/sub/kustomization.yaml': 'resources: [/etc/hostname]\n'
    })
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(/^target escape: dir\/sub: resources \/etc\/hostname resolves to/)
    ])
  })
})

describe('affected targets through a nested kustomization', () => {
  const affects = (changed: string[]) => {
    const repo = makeRepo({
      files: {
        ...FLUX,
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: cluster-prod, env: prod, source: clusters/prod, path: cluster }\n  - { name: other, env: prod, source: other }\n',
        'other/cm.yaml': CM('other'),
        'platform/unused/cm.yaml': CM('unused')
      }
    })
    const config = loadConfig(repo)
    return [...affectedTargets(config, config.targets, changed).affected].sort()
  }

  it('a file the nested kustomization reads outside the directory affects the directory target', () => {
    expect(affects(['platform/flux-settings/settings.yaml'])).toEqual(['cluster-prod'])
    expect(affects(['platform/flux-settings/kustomization.yaml'])).toEqual(['cluster-prod'])
  })

  it('files inside the directory affect it; files it never reads do not', () => {
    expect(affects(['clusters/prod/flux-system/gotk-sync.yaml'])).toEqual(['cluster-prod'])
    expect(affects(['clusters/prod/apps.yaml'])).toEqual(['cluster-prod'])
    expect(affects(['platform/unused/cm.yaml'])).toEqual([])
    expect(affects(['other/cm.yaml'])).toEqual(['other'])
  })
})

it('incremental hydration keeps such a target while nothing it reads changes', async () => {
  const { dry, remote } = makeDryWithRemote({
    files: {
      ...FLUX,
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: cluster-prod, env: prod, source: clusters/prod, path: cluster }\n  - { name: other, env: prod, source: other }\n',
      'other/cm.yaml': CM('other')
    }
  })
  const first = countingTools()
  await hydrateForTest(dry, { env: first.env })
  expect(first.count()).toBe(1) // the nested kustomize build

  writeFiles(dry, { 'other/cm.yaml': CM('other-renamed') })
  commitAll(dry, 'Rename other')
  const second = countingTools()
  await hydrateForTest(dry, { env: second.env })
  expect(second.count()).toBe(0) // same tools, nothing read changed: kept as it is

  writeFiles(dry, {
    'platform/flux-settings/settings.yaml': `${CM('flux-settings')}data: {level: debug}\n`
  })
  commitAll(dry, 'Debug flux')
  const third = countingTools()
  await hydrateForTest(dry, { env: third.env })
  expect(third.count()).toBe(1)
  expect(git(remote, 'show', 'refs/heads/env/prod:cluster/manifest.yaml')).toContain('level: debug')
})

it('the recorded commands reproduce a plain file list when there is no kustomization', async () => {
  const { repo, result } = await render({
    'hydrate.yaml': 'version: 1\ntargets:\n  - { name: flat, env: prod, source: flat }\n',
    'flat/b.yaml': CM('b'),
    'flat/a.yml': CM('a')
  })
  const [command] = result.rendered[0]?.commands ?? []
  expect(result.rendered[0]?.commands).toHaveLength(1)
  const text = execFileSync('sh', ['-c', command as string], { cwd: repo, encoding: 'utf8' })
  expect(parseStream(text)).toEqual(
    parseStream(fs.readFileSync(path.join(repo, 'flat/a.yml'), 'utf8') + '---\n' + CM('b'))
  )
})
