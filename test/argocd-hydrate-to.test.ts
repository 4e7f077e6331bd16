import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../src/engine/loadConfig.js'
import { formatLocation } from '../src/errors.js'
import { configErrorOf, hydrateForTest } from './helpers/engine.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  makeRepo,
  remoteRefs
} from './helpers/repo.js'

// Argo CD's sourceHydrator.hydrateTo: hydrate into hydrateTo.targetBranch, keep
// syncSource.targetBranch as the environment branch, as `promotion:` does (docs/adr/0017).

afterAll(cleanupTempDirs)

const REPO_URL = 'https://example.com/gitops'

function hydratorApp(env: string, hydrateTo?: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: { name: hello-${env} }`,
    'spec:',
    '  sourceHydrator:',
    `    drySource: { repoURL: ${REPO_URL}, path: manifests/${env}, targetRevision: HEAD }`,
    `    syncSource: { targetBranch: env/${env}, path: hello }`,
    ...(hydrateTo ? [`    hydrateTo: { targetBranch: ${hydrateTo} }`] : []),
    ''
  ].join('\n')
}

const configMap = (env: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: hello, namespace: ${env} }\ndata:\n  env: ${env}\n`

const HYDRATE_YAML = `version: 1\nargocd: { paths: [argocd], repoURLs: [${REPO_URL}] }\n`

describe('hydrateTo: the engine hydrates into it', () => {
  it('a push creates env/prod-next from env/prod; each environment is proposed on its own', async () => {
    const { dry, remote } = makeDryWithRemote({
      files: {
        'hydrate.yaml': HYDRATE_YAML,
        'argocd/dev.yaml': hydratorApp('dev'),
        'argocd/prod.yaml': hydratorApp('prod'),
        'manifests/dev/cm.yaml': configMap('dev'),
        'manifests/prod/cm.yaml': configMap('prod')
      }
    })
    // Hydrated straight into the sync branches first (no hydrateTo yet).
    await hydrateForTest(dry)
    const before = remoteRefs(remote)
    expect(before['refs/heads/env/prod']).toBeDefined()
    expect(before['refs/heads/env/prod-next']).toBeUndefined()

    fs.writeFileSync(path.join(dry, 'argocd/dev.yaml'), hydratorApp('dev', 'env/dev-next'))
    fs.writeFileSync(path.join(dry, 'argocd/prod.yaml'), hydratorApp('prod', 'env/prod-next'))
    // A change to promote in both environments, in the same dry commit.
    for (const env of ['dev', 'prod'])
      fs.appendFileSync(path.join(dry, `manifests/${env}/cm.yaml`), '  release: "2"\n')
    const drySha = commitAll(dry, 'hydrate to -next branches')
    const result = await hydrateForTest(dry)

    const refs = remoteRefs(remote)
    for (const env of ['dev', 'prod']) {
      // The sync branch is left to the promotion; the hydrateTo branch starts from it.
      expect(refs[`refs/heads/env/${env}`]).toBe(before[`refs/heads/env/${env}`])
      expect(git(remote, 'rev-parse', `env/${env}-next^`).trim()).toBe(
        before[`refs/heads/env/${env}`]
      )
      expect(
        git(remote, 'notes', '--ref=hydrator.metadata', 'show', `env/${env}-next`).trim()
      ).toBe(`{"drySha":"${drySha}"}`)
      expect(git(remote, 'show', `env/${env}-next:hello/manifest.yaml`)).toContain(`release: "2"`)
      expect(git(remote, 'show', `env/${env}:hello/manifest.yaml`)).not.toContain('release')
    }
    // No promotion order in Argo CD's hydrator: prod does not wait for dev.
    expect(
      Object.fromEntries(
        (result.promotion?.environments ?? []).map(e => [
          e.env,
          `${e.next} → ${e.branch}: ${e.outcome.kind}`
        ])
      )
    ).toEqual({
      dev: 'env/dev-next → env/dev: proposed',
      prod: 'env/prod-next → env/prod: proposed'
    })
  })
})

describe('hydrateTo at load time', () => {
  it('becomes the target branch; the sync branch its environment branch', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': HYDRATE_YAML,
        'argocd/prod.yaml': hydratorApp('prod', 'env/prod-next'),
        'manifests/prod/cm.yaml': configMap('prod')
      }
    })
    const config = loadConfig(repo)
    expect(config.targets.map(t => [t.name, t.branch, t.environmentBranch])).toEqual([
      ['hello-prod', 'env/prod-next', 'env/prod']
    ])
    expect(config.promotion).toMatchObject({
      ordered: false,
      environments: [{ env: 'prod', branch: 'env/prod', next: 'env/prod-next', autoMerge: false }]
    })
  })

  it('agrees with promotion: when both name the same branch', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': `${HYDRATE_YAML}promotion: { branch: 'env/{env}-next', order: [prod] }\n`,
        'argocd/prod.yaml': hydratorApp('prod', 'env/prod-next'),
        'manifests/prod/cm.yaml': configMap('prod')
      }
    })
    const config = loadConfig(repo)
    expect(config.targets[0]?.branch).toBe('env/prod-next')
    expect(config.promotion?.ordered).toBe(true)
  })

  it('disagreeing with promotion: is a config error at the Application', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': `${HYDRATE_YAML}promotion: { branch: 'env/{env}-candidate', order: [prod] }\n`,
        'argocd/prod.yaml': `# prod\n${hydratorApp('prod', 'env/prod-next')}`,
        'manifests/prod/cm.yaml': configMap('prod')
      }
    })
    const error = configErrorOf(repo)
    expect(formatLocation(error.location)).toBe('argocd/prod.yaml:2:1')
    expect(error.detail).toBe(
      'Application hello-prod hydrates to env/prod-next (spec.sourceHydrator.hydrateTo.targetBranch), but promotion.branch gives env/prod-candidate for environment prod; make them agree, or drop one'
    )
  })

  it('an environment must have one hydrateTo branch: an Application writing its sync branch directly is an error', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': HYDRATE_YAML,
        'argocd/a.yaml': hydratorApp('prod', 'env/prod-next'),
        'argocd/b.yaml': hydratorApp('prod')
          .replace('hello-prod', 'other-prod')
          .replace('path: hello', 'path: other'),
        'manifests/prod/cm.yaml': configMap('prod')
      }
    })
    const error = configErrorOf(repo)
    expect(formatLocation(error.location)).toBe('argocd/b.yaml:1:1')
    expect(error.detail).toBe(
      'Application other-prod writes env/prod directly, but Application hello-prod (argocd/a.yaml:1:1) hydrates environment prod to env/prod-next (spec.sourceHydrator.hydrateTo); hydrate keeps one promotion branch per environment: give it the same hydrateTo'
    )
  })

  it('a hydrateTo branch that is a sync branch is an error', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': HYDRATE_YAML,
        'argocd/dev.yaml': hydratorApp('dev', 'env/prod'),
        'argocd/prod.yaml': hydratorApp('prod'),
        'manifests/dev/cm.yaml': configMap('dev'),
        'manifests/prod/cm.yaml': configMap('prod')
      }
    })
    const error = configErrorOf(repo)
    expect(formatLocation(error.location)).toBe('argocd/dev.yaml:1:1')
    expect(error.detail).toBe(
      'spec.sourceHydrator.hydrateTo.targetBranch env/prod is the branch Application hello-prod (argocd/prod.yaml:1:1) writes; the hydrateTo branch must differ from every sync branch'
    )
  })
})
