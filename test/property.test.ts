import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateRepository, type HydrateOptions } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote, tempDir } from './helpers/repo.js'
import { CM } from './helpers/manifests.js'
import { prng } from './helpers/random.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const OVERLAY =
  'resources: [../../base]\nconfigMapGenerator:\n  - name: shop-config\n    files: [app.conf]\n'
const chartTarget = (env: string) =>
  `  - name: web-${env}\n    env: ${env}\n    source: charts/web\n    path: web\n    helm:\n      releaseName: web\n      valueFiles: [values/${env}.yaml]\n`
const config = (webProd: boolean) =>
  'version: 1\ntargets:\n  - discover: apps/{app}/overlays/{env}\n    name: "{app}-{env}"\n    path: "{app}"\n' +
  chartTarget('dev') +
  (webProd ? chartTarget('prod') : '')

/**
 * A dry repo with what the reverse index must see through: a kustomize base reached through
 * a symlink (two versions to point it at), configMapGenerator files, a helm chart with
 * per-environment value files and a file:// dependency.
 */
function makeRepo() {
  const files: Record<string, string> = {
    'hydrate.yaml': config(true),
    'common/base-v1/kustomization.yaml': 'resources: [cm.yaml]\n',
    'common/base-v1/cm.yaml': CM('base', 'v1'),
    'common/base-v2/kustomization.yaml': 'resources: [cm.yaml]\n',
    'common/base-v2/cm.yaml': CM('base', 'v2'),
    'charts/web/Chart.yaml':
      'apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n',
    'charts/web/values.yaml': 'color: blue\n',
    'charts/web/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: {{ .Values.color | quote }}\n',
    'charts/lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\n',
    'charts/lib/templates/cm.yaml': CM('lib', '0'),
    'docs/README.md': 'docs\n'
  }
  for (const env of ['dev', 'prod']) {
    files[`apps/shop/overlays/${env}/kustomization.yaml`] = OVERLAY
    files[`apps/shop/overlays/${env}/app.conf`] = `env=${env}\n`
    files[`values/${env}.yaml`] = `color: ${env}\n`
  }
  const { dry, remote } = makeDryWithRemote({ files })
  fs.symlinkSync('../../common/base-v1', path.join(dry, 'apps/shop/base'))
  commitAll(dry, 'Base through a symlink')
  return { dry, remote }
}

type Edit = { name: string; apply: (dry: string, step: number) => string }

const EDITS: Edit[] = [
  {
    name: 'the base the symlink points at, by its real path',
    apply: (dry, step) => {
      const real = fs.readlinkSync(path.join(dry, 'apps/shop/base')).replace('../../', '')
      fs.writeFileSync(path.join(dry, real, 'cm.yaml'), CM('base', `s${step}`))
      return real
    }
  },
  {
    name: 'the base the symlink does not point at',
    apply: (dry, step) => {
      const real = fs.readlinkSync(path.join(dry, 'apps/shop/base')).replace('../../', '')
      const other = real.endsWith('v1') ? 'common/base-v2' : 'common/base-v1'
      fs.writeFileSync(path.join(dry, other, 'cm.yaml'), CM('base', `s${step}`))
      return other
    }
  },
  {
    name: 'retarget the symlink',
    apply: dry => {
      const link = path.join(dry, 'apps/shop/base')
      const next = fs.readlinkSync(link).endsWith('v1')
        ? '../../common/base-v2'
        : '../../common/base-v1'
      fs.rmSync(link)
      fs.symlinkSync(next, link)
      return next
    }
  },
  {
    name: 'a configMapGenerator file',
    apply: (dry, step) => {
      const env = step % 2 ? 'dev' : 'prod'
      fs.appendFileSync(path.join(dry, `apps/shop/overlays/${env}/app.conf`), `step=${step}\n`)
      return env
    }
  },
  {
    name: 'a value file',
    apply: (dry, step) => {
      const env = step % 2 ? 'prod' : 'dev'
      fs.writeFileSync(path.join(dry, `values/${env}.yaml`), `color: c${step}\n`)
      return env
    }
  },
  {
    name: 'the file:// dependency chart',
    apply: (dry, step) => {
      fs.writeFileSync(path.join(dry, 'charts/lib/templates/cm.yaml'), CM('lib', `${step}`))
      return 'charts/lib'
    }
  },
  {
    name: "the chart's defaults",
    apply: (dry, step) => {
      fs.appendFileSync(path.join(dry, 'charts/web/values.yaml'), `# step ${step}\n`)
      return 'charts/web/values.yaml'
    }
  },
  {
    name: 'an unrelated file',
    apply: (dry, step) => {
      fs.appendFileSync(path.join(dry, 'docs/README.md'), `step ${step}\n`)
      return 'docs'
    }
  },
  {
    name: 'remove or bring back the web-prod target (prune)',
    apply: dry => {
      const present = fs.readFileSync(path.join(dry, 'hydrate.yaml'), 'utf8').includes('web-prod')
      fs.writeFileSync(path.join(dry, 'hydrate.yaml'), config(!present))
      return present ? 'removed' : 'back'
    }
  },
  {
    name: 'add or retire the staging environment',
    apply: dry => {
      const dir = path.join(dry, 'apps/shop/overlays/staging')
      if (fs.existsSync(dir)) {
        fs.rmSync(dir, { recursive: true })
        return 'retired'
      }
      fs.mkdirSync(dir)
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), OVERLAY)
      fs.writeFileSync(path.join(dir, 'app.conf'), 'env=staging\n')
      return 'added'
    }
  }
]

/** Branch → tree id of every hydrated branch of a remote (commit metadata ignored). */
function branchTrees(remote: string): Record<string, string> {
  const trees: Record<string, string> = {}
  for (const line of git(
    remote,
    'for-each-ref',
    '--format=%(refname) %(objectname)',
    'refs/heads/env/'
  ).split('\n')) {
    const [ref] = line.split(' ')
    if (ref) trees[ref] = git(remote, 'rev-parse', `${ref}^{tree}`).trim()
  }
  return trees
}

describe('property: incremental hydration equals a full one', () => {
  it('after every step of a random sequence of edits, an incremental push and a --full push give identical branch trees', async () => {
    const seed = Number(process.env.HYDRATE_PROPERTY_SEED ?? Date.now() % 1_000_000)
    const random = prng(seed)
    const { dry, remote: incremental } = makeRepo()
    const full = path.join(tempDir(), 'full.git')
    git(path.dirname(full), 'init', '-q', '--bare', full)
    const options: Omit<HydrateOptions, 'repoRoot'> = {
      logger: new MemoryLogger(),
      env: toolEnv(),
      committer: { name: 'bot', email: 'bot@example.com' }
    }
    const log: string[] = []
    let reused = 0
    try {
      for (let step = 0; step <= 10; step++) {
        if (step > 0) {
          const edit = EDITS[Math.floor(random() * EDITS.length)] as Edit
          log.push(`step ${step}: ${edit.name} (${edit.apply(dry, step)})`)
          commitAll(dry, `step ${step}`)
        }
        const result = await hydrateRepository({ repoRoot: dry, ...options })
        reused += result.render.rendered.filter(r => r.reused).length
        await hydrateRepository({ repoRoot: dry, ...options, remote: full, full: true })
        expect(branchTrees(incremental)).toEqual(branchTrees(full))
      }
      expect(reused).toBeGreaterThan(0) // the incremental side did keep output, not render it all
    } catch (error) {
      throw new Error(
        `seed ${seed} (replay: HYDRATE_PROPERTY_SEED=${seed})\n${log.join('\n')}\n${String(error)}`,
        { cause: error }
      )
    }
  })
})
