import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { hydrateForTest } from './helpers/engine.js'
import { formatPromotion } from '../src/cli/pushOutput.js'
import type { PromotionResult } from '../src/promotion/plan.js'
import { MemoryLogger } from '../src/logger.js'
import { appConfigMap, PROMOTION_CONFIG, promotionRepo } from './helpers/promotion.js'
import { cleanupTempDirs, commitAll, git, remoteRefs, tempDir } from './helpers/repo.js'

afterAll(cleanupTempDirs)

const outcomes = (result: PromotionResult | undefined) =>
  Object.fromEntries((result?.environments ?? []).map(e => [e.env, e.outcome.kind]))

function greet(dry: string, env: string, greeting: string, message: string): string {
  fs.writeFileSync(path.join(dry, `envs/${env}/cm.yaml`), appConfigMap(env, greeting))
  const sha = commitAll(dry, message)
  git(dry, 'push', '-q', 'origin', 'main')
  return sha
}

describe('promotion (engine)', () => {
  it('first run: -next branches on top of Argo CD initial commits, dev fast-forwarded, staging proposed, prod waiting', async () => {
    const { dry, remote } = promotionRepo()
    const drySha = git(dry, 'rev-parse', 'HEAD').trim()
    const result = await hydrateForTest(dry)
    const refs = remoteRefs(remote)
    expect(refs['refs/heads/env/dev']).toBe(refs['refs/heads/env/dev-next'])
    expect(git(remote, 'log', '--format=%s', 'env/dev').trim().split('\n')).toEqual([
      `${drySha.slice(0, 7)}: Dry commit`,
      'Initial commit for env/dev'
    ])
    for (const env of ['staging', 'prod'])
      expect(git(remote, 'rev-parse', `env/${env}-next^`).trim()).toBe(
        refs[`refs/heads/env/${env}`]
      )
    expect(git(remote, 'notes', '--ref=hydrator.metadata', 'show', 'env/prod-next').trim()).toBe(
      `{"drySha":"${drySha}"}`
    )
    expect(outcomes(result.promotion)).toEqual({
      dev: 'fast-forwarded',
      staging: 'proposed',
      prod: 'waiting'
    })
    const staging = result.promotion?.environments[1]
    expect(staging?.outcome).toMatchObject({
      kind: 'proposed',
      report: {
        base: refs['refs/heads/env/staging'],
        head: refs['refs/heads/env/staging-next'],
        targets: [{ name: 'app-staging', path: 'app', status: 'added' }]
      }
    })
    expect(formatPromotion(result.promotion as PromotionResult)).toBe(
      [
        'promotion:',
        `  dev: env/dev fast-forwarded to ${refs['refs/heads/env/dev']?.slice(0, 12)}`,
        '  staging: promote env/staging-next into env/staging (+1 ~0 -0): open a pull request, or let the action do it',
        `  prod: waits until staging carries ${drySha.slice(0, 7)}`,
        ''
      ].join('\n')
    )
  })

  it('a PR merged with a merge commit counts as promoted: the next environment is proposed, a modified resource diffed', async () => {
    const { dry, remote } = promotionRepo()
    await hydrateForTest(dry)
    // GitHub's merge button: a merge commit of env/staging-next into env/staging.
    const clone = path.join(tempDir(), 'clone')
    git(path.dirname(clone), 'clone', '-q', remote, clone)
    git(clone, 'checkout', '-q', 'env/staging')
    git(
      clone,
      '-c',
      'user.name=GitHub',
      '-c',
      'user.email=noreply@github.com',
      'merge',
      '--no-ff',
      '-q',
      '-m',
      'Merge pull request #100',
      'origin/env/staging-next'
    )
    git(clone, 'push', '-q', 'origin', 'env/staging')
    // A prod-only change: the merge commit carries no note, but holds env/staging-next,
    // which records the new dry commit, so staging carries it and prod is proposed.
    greet(dry, 'prod', 'hi', 'Greet prod')
    const result = await hydrateForTest(dry)
    expect(outcomes(result.promotion)).toEqual({
      dev: 'in-sync',
      staging: 'in-sync',
      prod: 'proposed'
    })
    // A change to staging now: prod waits until it is promoted again.
    greet(dry, 'staging', 'hi', 'Greet staging')
    const next = await hydrateForTest(dry)
    expect(outcomes(next.promotion)).toEqual({
      dev: 'in-sync',
      staging: 'proposed',
      prod: 'waiting'
    })
    const staging = next.promotion?.environments[1]?.outcome
    const change =
      staging?.kind === 'proposed' ? staging.report.targets[0]?.resources[0] : undefined
    expect(change).toMatchObject({ kind: 'ConfigMap', change: 'modified' })
    expect(change?.diff).toContain('+  greeting: hi')
  })

  it('turning promotion on over hydrated environment branches keeps them and starts each -next from them', async () => {
    const { dry, remote } = promotionRepo(PROMOTION_CONFIG.replace(/promotion:\n( {2}.*\n)+/, ''))
    await hydrateForTest(dry)
    const before = remoteRefs(remote)
    fs.writeFileSync(path.join(dry, 'hydrate.yaml'), PROMOTION_CONFIG)
    fs.writeFileSync(path.join(dry, 'envs/staging/cm.yaml'), appConfigMap('staging', 'hi'))
    commitAll(dry, 'Promote in order')
    git(dry, 'push', '-q', 'origin', 'main')
    const result = await hydrateForTest(dry)
    const refs = remoteRefs(remote)
    // prod renders the same: its -next starts at env/prod's tip; nothing was pruned there.
    expect(refs['refs/heads/env/prod-next']).toBe(before['refs/heads/env/prod'])
    expect(refs['refs/heads/env/prod']).toBe(before['refs/heads/env/prod'])
    expect(git(remote, 'show', 'env/prod:app/manifest.yaml')).toContain('namespace: prod')
    expect(git(remote, 'rev-parse', 'env/staging-next^').trim()).toBe(
      before['refs/heads/env/staging']
    )
    expect(refs['refs/heads/env/staging']).toBe(before['refs/heads/env/staging'])
    expect(result.write.branches.map(b => [b.branch, b.status])).toEqual([
      ['env/dev-next', 'created'],
      ['env/prod-next', 'created'],
      ['env/staging-next', 'created']
    ])
    expect(outcomes(result.promotion)).toEqual({
      dev: 'in-sync',
      staging: 'proposed',
      prod: 'in-sync'
    })
    execFileSync('git', ['merge-tree', '--write-tree', 'env/staging', 'env/staging-next'], {
      cwd: remote
    })
  })

  it('an autoMerge branch with commits of its own is not fast-forwarded; the rest is pushed with a warning', async () => {
    const { dry, remote } = promotionRepo()
    await hydrateForTest(dry)
    const clone = path.join(tempDir(), 'clone')
    git(path.dirname(clone), 'clone', '-q', remote, clone)
    git(clone, 'checkout', '-q', 'env/dev')
    fs.writeFileSync(path.join(clone, 'NOTES.md'), 'hand edit\n')
    git(clone, 'add', 'NOTES.md')
    git(
      clone,
      '-c',
      'user.name=Ops',
      '-c',
      'user.email=ops@example.com',
      'commit',
      '-q',
      '-m',
      'Hand edit'
    )
    git(clone, 'push', '-q', 'origin', 'env/dev')
    const devBefore = remoteRefs(remote)['refs/heads/env/dev']
    greet(dry, 'dev', 'hi', 'Greet dev')
    const logger = new MemoryLogger()
    const result = await hydrateForTest(dry, { logger })
    const refs = remoteRefs(remote)
    expect(refs['refs/heads/env/dev']).toBe(devBefore)
    expect(git(remote, 'show', 'env/dev-next:app/manifest.yaml')).toContain('greeting: hi')
    expect(outcomes(result.promotion).dev).toBe('failed')
    expect(logger.lines.join('\n')).toContain(
      'env/dev has commits that env/dev-next does not; it is not fast-forwarded (nothing is forced)'
    )
  })

  it('config: promotion is checked against the targets, with file:line:col', () => {
    // See test/unit/config.test.ts for every rule; one end to end here.
    const { dry } = promotionRepo(
      PROMOTION_CONFIG.replace('[dev, staging, prod]', '[dev, qa, prod]')
    )
    return expect(hydrateForTest(dry)).rejects.toThrow(
      'hydrate.yaml:4:16: promotion.order names qa, which no target deploys to; known environments: dev, prod, staging'
    )
  })
})
