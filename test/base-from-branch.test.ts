import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository, type RepositoryDiff } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { hydrateForTest } from './helpers/engine.js'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote } from './helpers/repo.js'
import { CM, DEPLOYMENT } from './helpers/manifests.js'
import { prng } from './helpers/random.js'
import { countingTools } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const JOB = (prefix: string, image: string) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: ${prefix}\n  annotations: {argocd.argoproj.io/hook: PreSync}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: "${image}"}]\n`
const SECRET = (value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: "${value}"\n`

/**
 * Every kind of target and output the base can come from: kustomize overlays over a shared
 * base with a generated (hash-suffixed) ConfigMap, a `layout: resources` target, a helm
 * chart with per-environment values, a plain directory with a Secret and generateName hooks.
 */
const FILES: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'targets:',
    '  - discover: apps/{app}/overlays/{env}',
    '    name: "{app}-{env}"',
    '    path: "{app}"',
    '  - discover: split/{env}',
    '    name: "split-{env}"',
    '    path: split',
    '    layout: resources',
    '  - { name: chart-dev, env: dev, source: chart, path: chart, helm: { valueFiles: [values/dev.yaml] } }',
    '  - { name: chart-prod, env: prod, source: chart, path: chart, helm: { valueFiles: [values/prod.yaml] } }',
    '  - { name: plain-prod, env: prod, source: plain, path: plain, allowSecrets: true }',
    ''
  ].join('\n'),
  'apps/shop/base/kustomization.yaml':
    'resources: [deploy.yaml]\nconfigMapGenerator:\n  - name: shop-config\n    literals: [MODE=blue]\n',
  'apps/shop/base/deploy.yaml': DEPLOYMENT('shop', 1, 'shop:1.0.0'),
  'apps/cart/base/kustomization.yaml': 'resources: [deploy.yaml]\n',
  'apps/cart/base/deploy.yaml': DEPLOYMENT('cart', 1, 'cart:1.0.0'),
  'split/dev/kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
  'split/prod/kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
  'chart/values.yaml': 'color: blue\nreplicas: 1\n',
  'chart/templates/all.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: chart-config\n  labels: {helm.sh/chart: "{{ .Chart.Name }}-{{ .Chart.Version }}"}\ndata:\n  color: {{ .Values.color | quote }}\n---\n' +
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: chart\nspec:\n  replicas: {{ .Values.replicas }}\n  selector: {matchLabels: {app: chart}}\n  template:\n    metadata:\n      labels: {app: chart}\n      annotations: {checksum/config: "{{ .Values.color | sha256sum }}"}\n    spec:\n      containers: [{name: c, image: "nginx:1.27.0"}]\n',
  'values/dev.yaml': 'color: green\n',
  'values/prod.yaml': 'color: red\nreplicas: 3\n',
  'plain/cm.yaml': CM('plain', '1'),
  'plain/secret.yaml': SECRET('s3cret-0'),
  'plain/job.yaml': JOB('migrate-', 'shop:1.0.0'),
  'docs/README.md': 'docs\n',
  'shared/kustomization.yaml': 'resources: [cm.yaml]\n',
  'shared/cm.yaml': CM('shared', '0')
}
for (const app of ['shop', 'cart'])
  for (const env of ['dev', 'prod']) {
    FILES[`apps/${app}/overlays/${env}/kustomization.yaml`] =
      `resources: [../../base]\nnamespace: ${app}-${env}\npatches:\n  - path: patch.yaml\n`
    FILES[`apps/${app}/overlays/${env}/patch.yaml`] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${env === 'dev' ? 1 : 2}\n`
  }
for (const env of ['dev', 'prod']) {
  FILES[`split/${env}/a.yaml`] = CM('split-a', env)
  FILES[`split/${env}/b.yaml`] = CM('split-b', env)
}

type Edit = { name: string; apply: (dry: string, step: number, random: () => number) => void }
const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T
const write = (dry: string, file: string, content: string) => {
  fs.mkdirSync(path.dirname(path.join(dry, file)), { recursive: true })
  fs.writeFileSync(path.join(dry, file), content)
}

const EDITS: Edit[] = [
  {
    name: 'an overlay patch (one target)',
    apply: (dry, step, random) => {
      const app = pick(random, ['shop', 'cart'])
      const file = `apps/${app}/overlays/${pick(random, ['dev', 'prod'])}/patch.yaml`
      // The cart app may be retired: its overlay then stays gone.
      if (!fs.existsSync(path.join(dry, path.dirname(file)))) return
      write(
        dry,
        file,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${step}\n`
      )
    }
  },
  {
    name: 'a shared base (every environment of an app)',
    apply: (dry, step) =>
      write(dry, 'apps/shop/base/deploy.yaml', DEPLOYMENT('shop', 1, `shop:1.${step}.0`))
  },
  {
    name: 'a generator literal (hash-suffix rename)',
    apply: (dry, step) =>
      write(
        dry,
        'apps/shop/base/kustomization.yaml',
        `resources: [deploy.yaml]\nconfigMapGenerator:\n  - name: shop-config\n    literals: [MODE=m${step}]\n`
      )
  },
  {
    name: 'the generateName hook',
    apply: (dry, step) => write(dry, 'plain/job.yaml', JOB('migrate-', `shop:2.${step}`))
  },
  {
    name: 'a second generateName hook, or none',
    apply: dry => {
      const file = path.join(dry, 'plain/job.yaml')
      const text = fs.readFileSync(file, 'utf8')
      fs.writeFileSync(
        file,
        text.includes('---')
          ? (text.split('---\n')[0] as string)
          : `${text}---\n${JOB('migrate-', 'other:1')}`
      )
    }
  },
  {
    name: 'a per-resource file (layout: resources)',
    apply: (dry, step, random) => {
      const name = pick(random, ['a', 'b'])
      write(
        dry,
        `split/${pick(random, ['dev', 'prod'])}/${name}.yaml`,
        CM(`split-${name}`, `v${step}`)
      )
    }
  },
  {
    name: 'add or remove a resource of the split target',
    apply: (dry, step, random) => {
      const env = pick(random, ['dev', 'prod'])
      const file = `split/${env}/kustomization.yaml`
      const text = fs.readFileSync(path.join(dry, file), 'utf8')
      if (text.includes('c.yaml')) write(dry, file, 'resources: [a.yaml, b.yaml]\n')
      else {
        write(dry, `split/${env}/c.yaml`, CM(`split-c${step}`, 'c'))
        write(dry, file, 'resources: [a.yaml, b.yaml, c.yaml]\n')
      }
    }
  },
  {
    name: 'a value file of the chart',
    apply: (dry, step, random) =>
      write(
        dry,
        `values/${pick(random, ['dev', 'prod'])}.yaml`,
        `color: c${step}\nreplicas: ${step % 4}\n`
      )
  },
  {
    name: "the chart's defaults (helm.sh/chart and checksum noise too)",
    apply: (dry, step) => {
      write(dry, 'chart/values.yaml', `color: d${step}\nreplicas: 1\n`)
      write(dry, 'chart/Chart.yaml', `apiVersion: v2\nname: chart\nversion: 0.1.${step}\n`)
    }
  },
  {
    name: 'the Secret of the plain directory',
    apply: (dry, step) => write(dry, 'plain/secret.yaml', SECRET(`s3cret-${step}`))
  },
  {
    name: 'a duplicate document in the plain directory, or not',
    apply: dry => {
      const file = path.join(dry, 'plain/cm.yaml')
      const text = fs.readFileSync(file, 'utf8')
      fs.writeFileSync(
        file,
        text.includes('---') ? (text.split('---\n')[0] as string) : `${text}---\n${text}`
      )
    }
  },
  {
    name: 'remove or bring back the chart-prod target (config)',
    apply: dry => {
      const file = path.join(dry, 'hydrate.yaml')
      const text = fs.readFileSync(file, 'utf8')
      const line = FILES['hydrate.yaml']?.split('\n').find(l => l.includes('chart-prod')) as string
      fs.writeFileSync(
        file,
        text.includes('chart-prod')
          ? text.replace(`${line}\n`, '')
          : text.replace('  - { name: plain-prod', `${line}\n  - { name: plain-prod`)
      )
    }
  },
  {
    name: 'add or retire the cart app',
    apply: dry => {
      const dir = path.join(dry, 'apps/cart')
      if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true })
      else
        for (const [file, content] of Object.entries(FILES))
          if (file.startsWith('apps/cart/')) write(dry, file, content)
    }
  },
  {
    // What the shop dev overlay reads changes: the inputs noted before no longer hold.
    name: 'the shop dev overlay starts or stops reading the shared directory',
    apply: dry => {
      const file = path.join(dry, 'apps/shop/overlays/dev/kustomization.yaml')
      const text = fs.readFileSync(file, 'utf8')
      fs.writeFileSync(
        file,
        text.includes('shared')
          ? text.replace('resources: [../../base, ../../../../shared]', 'resources: [../../base]')
          : text.replace('resources: [../../base]', 'resources: [../../base, ../../../../shared]')
      )
    }
  },
  {
    name: 'the shared directory (read by the shop dev overlay, or by nothing)',
    apply: (dry, step) => write(dry, 'shared/cm.yaml', CM('shared', `${step}`))
  },
  {
    name: 'an unrelated file',
    apply: (dry, step) => fs.appendFileSync(path.join(dry, 'docs/README.md'), `step ${step}\n`)
  }
]

/** The report without what says how it was obtained: everything the two ways must share. */
function comparable(result: RepositoryDiff) {
  const report = { ...result.report, rendering: undefined }
  const markdown = renderMarkdown(result.report).replace(/ · \d+ renders? \(head[^·]*/, '')
  return { json: JSON.parse(renderJson(report)) as unknown, markdown }
}

describe('property: a base read from its branch diffs exactly as a rendered base', () => {
  it('after random changes on top of hydrated (or not yet hydrated) main commits, both ways give identical reports', async () => {
    const seed = Number(process.env.HYDRATE_PROPERTY_SEED ?? Date.now() % 1_000_000)
    const random = prng(seed)
    const { dry } = makeDryWithRemote({ files: FILES })
    const tools = countingTools()
    const hydrate = () => hydrateForTest(dry, { env: tools.env })
    await hydrate()
    const log: string[] = []
    const totals = { fromBranches: 0, rendered: 0, compared: 0 }
    try {
      for (let step = 1; step <= 6; step++) {
        git(dry, 'checkout', '-q', '-b', `pr-${step}`, 'main')
        const edits = 1 + Math.floor(random() * 3)
        for (let i = 0; i < edits; i++) {
          const edit = pick(random, EDITS)
          edit.apply(dry, step, random)
          log.push(`step ${step}: ${edit.name}`)
        }
        git(dry, 'add', '-A')
        git(dry, 'commit', '-q', '--allow-empty', '-m', `pr ${step}`)
        const options = { repoRoot: dry, base: 'main', logger: new MemoryLogger(), env: tools.env }
        const before = tools.count()
        const fromBranches = await diffRepository(options)
        const branchRenders = tools.count() - before
        const rendered = await diffRepository({ ...options, renderBase: true })
        expect(comparable(fromBranches)).toEqual(comparable(rendered))
        const counts = fromBranches.report.rendering
        expect(rendered.report.rendering?.fromBranches).toBe(0)
        expect(counts?.rendered.head).toBe(rendered.report.rendering?.rendered.head)
        // A base is read or rendered: together, as many as the rendering way renders.
        expect((counts?.fromBranches ?? 0) + (counts?.rendered.base ?? 0)).toBe(
          rendered.report.rendering?.rendered.base
        )
        // The render processes the counting tools saw are the renders the report names
        // (one process per kustomize or helm target here; the plain directory has none).
        expect(branchRenders).toBeLessThanOrEqual(
          (counts?.rendered.base ?? 0) + (counts?.rendered.head ?? 0)
        )
        totals.fromBranches += counts?.fromBranches ?? 0
        totals.rendered += counts?.rendered.base ?? 0
        totals.compared++
        // A duplicate stays in the pull request: main stays one a push accepts.
        const plain = path.join(dry, 'plain/cm.yaml')
        if (fs.readFileSync(plain, 'utf8').includes('---')) {
          fs.writeFileSync(plain, FILES['plain/cm.yaml'] as string)
          commitAll(dry, 'no duplicate')
        }
        // Merge; hydrate main most of the time, so later bases are on the branches or not.
        git(dry, 'checkout', '-q', 'main')
        git(dry, 'merge', '-q', '--ff-only', `pr-${step}`)
        git(dry, 'push', '-q', 'origin', 'main')
        if (random() < 0.7) {
          await hydrate()
          log.push(`step ${step}: merged and hydrated`)
        } else log.push(`step ${step}: merged, not hydrated`)
      }
      // Both ways were exercised: bases read from branches, and bases rendered.
      process.stderr.write(`${seed} ${JSON.stringify(totals)}\n${log.join('\n')}\n`)
      expect(totals.fromBranches).toBeGreaterThan(0)
    } catch (error) {
      throw new Error(
        `seed ${seed} (replay: HYDRATE_PROPERTY_SEED=${seed})\n${log.join('\n')}\n${String(error)}`,
        { cause: error }
      )
    }
  })
})

describe('a one-target change on a hydrated base', () => {
  it('renders once: the base comes from the branch, and the report and footer say so', async () => {
    const { dry } = makeDryWithRemote({ files: FILES })
    const tools = countingTools()
    await hydrateForTest(dry, { env: tools.env })
    git(dry, 'checkout', '-q', '-b', 'one')
    write(
      dry,
      'apps/cart/overlays/prod/patch.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  replicas: 7\n'
    )
    commitAll(dry, 'cart prod: 7 replicas')
    const before = tools.count()
    const result = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: tools.env
    })
    expect(tools.count() - before).toBe(1)
    expect(result.report.rendering).toEqual({ rendered: { base: 0, head: 1 }, fromBranches: 1 })
    const cart = result.report.targets.find(t => t.name === 'cart-prod')
    expect(cart?.status).toBe('changed')
    expect(cart?.resources.map(r => `${r.change} ${r.kind} ${r.name}`)).toEqual([
      'modified Deployment cart'
    ])
    expect(cart?.resources[0]?.diff).toContain('-  replicas: 2\n+  replicas: 7')
    expect(renderMarkdown(result.report)).toContain(
      '1 render (head 1, base 0), 1 base from its branch'
    )
    expect(JSON.parse(renderJson(result.report)).rendering).toEqual({
      rendered: { base: 0, head: 1 },
      fromBranches: 1
    })
  })

  it.each([
    [
      'edits what the index reads (the kustomization)',
      (dry: string) =>
        write(
          dry,
          'apps/cart/overlays/prod/kustomization.yaml',
          'resources: [../../base]\nnamespace: cart-prod\npatches:\n  - path: patch.yaml\ncommonLabels: {tier: web}\n'
        )
    ],
    [
      'adds a file (the base is checked on its own tree)',
      (dry: string) => {
        write(dry, 'apps/cart/overlays/prod/extra.yaml', CM('extra', '1'))
        write(
          dry,
          'apps/cart/overlays/prod/kustomization.yaml',
          'resources: [../../base, extra.yaml]\nnamespace: cart-prod\npatches:\n  - path: patch.yaml\n'
        )
      }
    ]
  ])('renders once too when the change %s', async (_, edit) => {
    const { dry } = makeDryWithRemote({ files: FILES })
    const tools = countingTools()
    await hydrateForTest(dry, { env: tools.env })
    git(dry, 'checkout', '-q', '-b', 'one')
    edit(dry)
    commitAll(dry, 'cart prod')
    const before = tools.count()
    const options = { repoRoot: dry, base: 'main', logger: new MemoryLogger(), env: tools.env }
    const result = await diffRepository(options)
    expect(tools.count() - before).toBe(1)
    expect(result.report.rendering).toEqual({ rendered: { base: 0, head: 1 }, fromBranches: 1 })
    expect(comparable(result)).toEqual(
      comparable(await diffRepository({ ...options, renderBase: true }))
    )
    expect(result.report.targets.find(t => t.name === 'cart-prod')?.status).toBe('changed')
  })

  it('renders the base when the branch is not hydrated from a commit with the same inputs', async () => {
    const { dry } = makeDryWithRemote({ files: FILES })
    const tools = countingTools()
    await hydrateForTest(dry, { env: tools.env })
    // main moves on (the cart base changes) without being hydrated: the branch is stale.
    write(dry, 'apps/cart/base/deploy.yaml', DEPLOYMENT('cart', 1, 'cart:9.9.9'))
    commitAll(dry, 'cart 9.9.9')
    git(dry, 'checkout', '-q', '-b', 'one')
    write(
      dry,
      'apps/cart/overlays/prod/patch.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  replicas: 7\n'
    )
    commitAll(dry, 'cart prod: 7 replicas')
    const before = tools.count()
    const result = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: tools.env
    })
    expect(tools.count() - before).toBe(2)
    expect(result.report.rendering).toEqual({ rendered: { base: 1, head: 1 }, fromBranches: 0 })
    // Only the replicas differ: the image the stale branch still has is not shown as a change.
    const cart = result.report.targets.find(t => t.name === 'cart-prod')
    expect(cart?.resources[0]?.diff).not.toContain('cart:1.0.0')
  })
})
