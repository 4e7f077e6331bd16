import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, EXAMPLE_REPO, makeRepo, writeFiles } from './helpers/repo.js'
import { HELM4, KUBECTL, ROOT, toolEnv } from './helpers/tools.js'
import { byIdentity, parseStream } from './helpers/yaml.js'

afterAll(cleanupTempDirs)

/** The `hydrate.yaml` blocks of the "Layouts we read" section of docs/layouts.md, in order. */
function readmeLayoutConfigs(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'docs', 'layouts.md'), 'utf8')
  const start = readme.indexOf('\n## Layouts we read\n')
  const end = readme.indexOf('\n## ', start + 1)
  const section = readme.slice(start, end)
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1] as string)
}

const configs = readmeLayoutConfigs()

function copy(from: string, to: string, into: string): void {
  fs.cpSync(path.join(EXAMPLE_REPO, from), path.join(into, to), { recursive: true })
}

/** A repository of each shape; the config comes from docs/layouts.md, so a broken one fails. */
const layouts: Array<{
  name: string
  build: (dir: string) => void
  targets: string[]
  /** A target, and the tool command (run at the repo root) whose resources it must equal. */
  check: { target: string; branch: string; path: string; command: string[] }
}> = [
  {
    name: 'apps/{app}/overlays/{env}',
    build: dir => copy('apps/guestbook', 'apps/guestbook', dir),
    targets: ['guestbook-dev', 'guestbook-prod', 'guestbook-staging'],
    check: {
      target: 'guestbook-prod',
      branch: 'env/prod',
      path: 'guestbook',
      command: [KUBECTL, 'kustomize', 'apps/guestbook/overlays/prod']
    }
  },
  {
    name: 'environments/{env}',
    build: dir => {
      copy('apps/guestbook/base', 'base', dir)
      for (const env of ['dev', 'prod'])
        writeFiles(dir, {
          [`environments/${env}/kustomization.yaml`]: `resources: [../../base]\nnamespace: shop-${env}\n`
        })
    },
    targets: ['environments-dev', 'environments-prod'],
    check: {
      target: 'environments-prod',
      branch: 'env/prod',
      path: 'environments/prod',
      command: [KUBECTL, 'kustomize', 'environments/prod']
    }
  },
  {
    name: 'Flux clusters/{env} with apps/base + apps/{env}',
    build: dir => {
      copy('flux/apps', 'apps', dir)
      copy('flux/clusters', 'clusters', dir)
    },
    targets: ['apps-dev', 'apps-prod', 'cluster-dev', 'cluster-prod'],
    check: {
      target: 'apps-prod',
      branch: 'env/prod',
      path: 'apps',
      command: [KUBECTL, 'kustomize', 'apps/prod']
    }
  },
  {
    name: 'Argo CD app directories',
    build: dir => {
      copy('apps/guestbook/base', 'kustomize-guestbook', dir)
      copy('cluster/prod', 'guestbook', dir)
      copy('charts/cache', 'helm-guestbook', dir)
      writeFiles(dir, { 'helm-guestbook/values-production.yaml': 'maxMemory: 512mb\n' })
    },
    targets: ['guestbook-prod', 'helm-guestbook-prod', 'kustomize-guestbook-prod'],
    check: {
      target: 'helm-guestbook-prod',
      branch: 'env/prod',
      path: 'helm-guestbook',
      command: [
        HELM4,
        'template',
        'helm-guestbook',
        'helm-guestbook',
        '--values',
        'helm-guestbook/values-production.yaml',
        '--skip-tests'
      ]
    }
  }
]

describe('the layouts of docs/layouts.md', () => {
  it('has one config per layout tested here', () => {
    expect(configs).toHaveLength(layouts.length)
  })

  describe.each(layouts.map((layout, i) => ({ ...layout, config: configs[i] ?? '' })))(
    '$name',
    ({ build, targets, check, config }) => {
      it('renders every target with the documented config, as the tools do', async () => {
        const repo = makeRepo({ files: { 'hydrate.yaml': config } })
        build(repo)
        const result = await renderRepository({
          repoRoot: repo,
          logger: new MemoryLogger(),
          env: toolEnv()
        })
        expect(result.errors.map(e => e.message)).toEqual([])
        expect(result.rendered.map(r => r.target.name).sort()).toEqual(targets)
        const layout = result.layouts.find(l => l.branch === check.branch)
        const manifest = String(layout?.files.get(`${check.path}/manifest.yaml`) ?? '')
        const [file, ...args] = check.command as [string, ...string[]]
        const expected = execFileSync(file, args, { cwd: repo, encoding: 'utf8', env: toolEnv() })
        expect(byIdentity(parseStream(manifest))).toEqual(byIdentity(parseStream(expected)))
        expect(manifest).not.toBe('')
      })
    }
  )
})
