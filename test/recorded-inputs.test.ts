import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository, type RepositoryDiff } from '../src/engine.js'
import { INPUTS_REF, parseInputs } from '../src/hydrate/recordedInputs.js'
import { MemoryLogger } from '../src/logger.js'
import { hydrateForTest } from './helpers/engine.js'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote } from './helpers/repo.js'
import { CM, DEPLOYMENT } from './helpers/manifests.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const PATCH = (name: string, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n`

const FILES: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'targets:',
    '  - discover: apps/{app}/overlays/{env}',
    '    name: "{app}-{env}"',
    '    path: "{app}"',
    '  - { name: chart-dev, env: dev, source: chart, path: chart, helm: { valueFiles: [values/dev.yaml] } }',
    ''
  ].join('\n'),
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
  'chart/values.yaml': 'color: blue\n',
  'chart/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: chart\ndata:\n  color: {{ .Values.color | quote }}\n',
  'values/dev.yaml': 'color: green\n',
  'values/dev2.yaml': 'color: teal\n',
  'shared/kustomization.yaml': 'resources: [cm.yaml]\n',
  'shared/cm.yaml': CM('shared', '1')
}
for (const app of ['shop', 'cart']) {
  FILES[`apps/${app}/base/kustomization.yaml`] = 'resources: [deploy.yaml]\n'
  FILES[`apps/${app}/base/deploy.yaml`] = DEPLOYMENT(app, 1, `${app}:1.0.0`)
  for (const env of ['dev', 'prod']) {
    FILES[`apps/${app}/overlays/${env}/kustomization.yaml`] =
      `resources: [../../base]\nnamespace: ${app}-${env}\npatches:\n  - path: patch.yaml\n`
    FILES[`apps/${app}/overlays/${env}/patch.yaml`] = PATCH(app, 2)
  }
}

const write = (dry: string, file: string, content: string) => {
  fs.mkdirSync(path.dirname(path.join(dry, file)), { recursive: true })
  fs.writeFileSync(path.join(dry, file), content)
}

/** The diff with the inputs notes, and with every dependency read anew (bases rendered). */
async function bothWays(
  dry: string
): Promise<{ noted: RepositoryDiff; fresh: RepositoryDiff; log: string }> {
  const logger = new MemoryLogger()
  const options = { repoRoot: dry, base: 'main', env: toolEnv() }
  const noted = await diffRepository({ ...options, logger })
  const fresh = await diffRepository({ ...options, logger: new MemoryLogger(), renderBase: true })
  return { noted, fresh, log: logger.lines.join('\n') }
}

const changedTargets = (result: RepositoryDiff) =>
  result.report.targets
    .filter(t => t.status !== 'unchanged')
    .map(t => `${t.name} ${t.status}`)
    .sort()

/**
 * A pull request that changes one overlay's replicas: only that target changes, with the notes
 * as when everything is read anew. Returns the log of the diff with the notes.
 */
async function replicasPullRequest(dry: string, app: string, env: string): Promise<string> {
  git(dry, 'checkout', '-q', '-b', 'one')
  write(dry, `apps/${app}/overlays/${env}/patch.yaml`, PATCH(app, 7))
  commitAll(dry, `${app} ${env}: 7 replicas`)
  const { noted, fresh, log } = await bothWays(dry)
  expect(changedTargets(noted)).toEqual([`${app}-${env} changed`])
  expect(changedTargets(noted)).toEqual(changedTargets(fresh))
  return log
}

function notesOn(remote: string, branch: string) {
  const text = git(remote, 'notes', `--ref=${INPUTS_REF}`, 'show', `refs/heads/${branch}`)
  return parseInputs(text)
}

describe('the inputs notes (what each target reads, noted with its branch)', () => {
  it('a push notes what every target of a branch reads, at the dry commit it hydrated', async () => {
    const { dry, remote } = makeDryWithRemote({ files: FILES })
    await hydrateForTest(dry)
    const head = git(dry, 'rev-parse', 'HEAD').trim()
    const dev = notesOn(remote, 'env/dev')
    expect(Object.keys(dev ?? {}).sort()).toEqual(['cart', 'chart', 'shop'])
    expect(dev?.shop).toMatchObject({
      target: 'shop-dev',
      drySha: head,
      files: [
        'apps/shop/base/deploy.yaml',
        'apps/shop/base/kustomization.yaml',
        'apps/shop/overlays/dev/kustomization.yaml',
        'apps/shop/overlays/dev/patch.yaml'
      ],
      structure: {
        files: ['apps/shop/base/kustomization.yaml', 'apps/shop/overlays/dev/kustomization.yaml']
      }
    })
    expect(dev?.chart?.directories).toEqual(['chart'])
    // Deterministic: a second push of the same commit moves nothing, notes included.
    const before = git(remote, 'rev-parse', INPUTS_REF).trim()
    await hydrateForTest(dry)
    expect(git(remote, 'rev-parse', INPUTS_REF).trim()).toBe(before)
  })

  it('a one-app change reads no other target: what unaffected targets read comes from the notes', async () => {
    const { dry } = makeDryWithRemote({ files: FILES })
    await hydrateForTest(dry)
    const log = await replicasPullRequest(dry, 'cart', 'prod')
    expect(log).toContain('what 4 of 5 targets read comes from the inputs noted on their branches')
  })

  it.each([
    [
      'an overlay reads a new file (its kustomization changed on main, not hydrated)',
      (dry: string) =>
        write(
          dry,
          'apps/shop/overlays/dev/kustomization.yaml',
          'resources: [../../base, ../../../../shared]\nnamespace: shop-dev\npatches:\n  - path: patch.yaml\n'
        ),
      (dry: string) => write(dry, 'shared/cm.yaml', CM('shared', '2')),
      ['shop-dev changed']
    ],
    [
      "a target's definition changed on main (another value file), not hydrated",
      (dry: string) => {
        const file = path.join(dry, 'hydrate.yaml')
        fs.writeFileSync(
          file,
          fs.readFileSync(file, 'utf8').replace('values/dev.yaml', 'values/dev2.yaml')
        )
      },
      (dry: string) => write(dry, 'values/dev2.yaml', 'color: olive\n'),
      ['chart-dev changed']
    ],
    [
      'a base directory turns into a kustomization of its own on main, not hydrated',
      (dry: string) => {
        write(dry, 'apps/cart/base/kustomization.yaml', 'resources: [deploy.yaml, ../extra]\n')
        write(dry, 'apps/cart/extra/kustomization.yaml', 'resources: [cm.yaml]\n')
        write(dry, 'apps/cart/extra/cm.yaml', CM('extra', '1'))
      },
      (dry: string) => write(dry, 'apps/cart/extra/cm.yaml', CM('extra', '2')),
      ['cart-dev changed', 'cart-prod changed']
    ]
  ])('a note that no longer holds is not used: %s', async (_, onMain, inPullRequest, expected) => {
    const { dry } = makeDryWithRemote({ files: FILES })
    await hydrateForTest(dry)
    onMain(dry)
    commitAll(dry, 'main moves on without a hydration')
    git(dry, 'checkout', '-q', '-b', 'pr')
    inPullRequest(dry)
    commitAll(dry, 'the pull request')
    const { noted, fresh, log } = await bothWays(dry)
    expect(changedTargets(fresh)).toEqual(expected)
    expect(changedTargets(noted)).toEqual(expected)
    // The others still come from their notes.
    expect(log).toMatch(/what [1-4] of 5 targets read comes from the inputs noted/)
  })

  it('a note that is not ours to read is ignored, and the diff is still right', async () => {
    const { dry, remote } = makeDryWithRemote({ files: FILES })
    await hydrateForTest(dry)
    // Garbage where the note was: every target is read anew.
    const clone = path.join(path.dirname(remote), 'clone')
    git(path.dirname(remote), 'clone', '-q', remote, clone)
    git(
      clone,
      'fetch',
      '-q',
      'origin',
      `${INPUTS_REF}:${INPUTS_REF}`,
      'refs/heads/env/dev:refs/heads/env/dev'
    )
    git(clone, 'notes', `--ref=${INPUTS_REF}`, 'add', '-f', '-m', '{"inputs": [1, 2]}', 'env/dev')
    git(clone, 'push', '-q', 'origin', INPUTS_REF)
    const log = await replicasPullRequest(dry, 'shop', 'dev')
    expect(log).toContain('what 2 of 5 targets read comes from the inputs noted on their branches')
  })
})
