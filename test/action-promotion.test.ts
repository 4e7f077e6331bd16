import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { appConfigMap, promotionRepo } from './helpers/promotion.js'
import { checkoutWorkspace, cleanupTempDirs, commitAll, git, remoteRefs } from './helpers/repo.js'

afterAll(cleanupTempDirs)

const github = fakeGitHubForSuite()
const DIFF_MARKER = '<!-- hydrate-action:rendered-diff id=default -->'

async function hydrateOnPush(remote: string) {
  const workspace = checkoutWorkspace(remote)
  const sha = git(workspace, 'rev-parse', 'HEAD').trim()
  const run = await runBundledAction({
    workspace,
    eventName: 'push',
    payload: { ref: 'refs/heads/main', after: sha },
    env: { GITHUB_API_URL: github().url }
  })
  return { run, sha }
}

const promotionsOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs.promotions ?? 'null') as Record<string, Record<string, unknown>>

describe('the bundled action with promotion: (push events)', () => {
  it('hydrates -next branches, fast-forwards dev, proposes staging, then prod once staging is promoted', async () => {
    const api = github()
    const { dry, remote } = promotionRepo()
    const drySha = git(dry, 'rev-parse', 'HEAD').trim()
    // The source PR that merged as the dry commit, with its rendered-diff comment.
    api.addMergedPull(7, drySha)
    api.comments.set(7, [
      {
        id: 1,
        body: `${DIFF_MARKER}\n### Rendered diff: 3 of 3 targets change\n`,
        user: { login: 'hydrate-bot[bot]', type: 'Bot' }
      }
    ])

    const { run } = await hydrateOnPush(remote)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const refs = remoteRefs(remote)
    // dev is promoted at once; staging and prod start as Argo CD's empty initial commit.
    expect(refs['refs/heads/env/dev']).toBe(refs['refs/heads/env/dev-next'])
    for (const env of ['staging', 'prod']) {
      const branch = `refs/heads/env/${env}`
      expect(git(remote, 'log', '--format=%s', branch).trim()).toBe(`Initial commit for env/${env}`)
      expect(git(remote, 'ls-tree', branch).trim()).toBe('')
      expect(git(remote, 'rev-parse', `refs/heads/env/${env}-next^`).trim()).toBe(refs[branch])
    }
    // gitops-promoter's check: the two branches share history.
    execFileSync('git', ['merge-tree', '--write-tree', 'env/staging', 'env/staging-next'], {
      cwd: remote
    })

    // One promotion PR, for staging; none for prod, which waits for staging.
    expect(api.pulls.filter(p => p.head.startsWith('env/'))).toHaveLength(1)
    const staging = api.pulls.find(p => p.head === 'env/staging-next') as (typeof api.pulls)[0]
    expect(staging).toMatchObject({ base: 'env/staging', state: 'open' })
    expect(staging.title).toBe(`Promote staging: ${drySha.slice(0, 7)} Dry commit`)
    expect(staging.body).toContain('<!-- hydrate-action:promotion env=staging -->')
    expect(staging.body).toContain('#### ConfigMap staging/app')
    expect(staging.body).toContain('+  greeting: hello')
    expect(promotionsOf(run.outputs)).toEqual({
      dev: { fastForward: refs['refs/heads/env/dev'] },
      staging: { pr: staging.number, url: `https://github.com/acme/dry/pull/${staging.number}` },
      prod: { waiting: 'staging' }
    })

    // A status per environment on the dry commit.
    const statuses = Object.fromEntries(
      api.statuses.filter(s => s.sha === drySha).map(s => [s.context, s])
    )
    expect(Object.keys(statuses).sort()).toEqual(['hydrate/dev', 'hydrate/prod', 'hydrate/staging'])
    expect(statuses['hydrate/dev']).toMatchObject({
      state: 'success',
      target_url: `https://github.com/acme/dry/commit/${refs['refs/heads/env/dev']}`
    })
    expect(statuses['hydrate/staging']).toMatchObject({
      state: 'success',
      target_url: `https://github.com/acme/dry/pull/${staging.number}`
    })
    expect(statuses['hydrate/prod']?.state).toBe('pending')
    expect(statuses['hydrate/prod']?.description).toContain('waiting: staging')

    // The source PR's comment keeps its diff and says where the change landed.
    const comment = api.comments.get(7)?.[0]?.body ?? ''
    expect(comment.startsWith(`${DIFF_MARKER}\n### Rendered diff`)).toBe(true)
    expect(comment).toContain(`### Where \`${drySha.slice(0, 7)}\` landed`)
    expect(comment).toMatch(/\| dev \| promoted: <code>env\/dev<\/code>@/)
    expect(comment).toContain(`promotion PR [#${staging.number}]`)
    expect(comment).toContain('waits for staging')
    expect(run.summary).toContain('Promotion')
    expect(api.log.every(r => r.problems.length === 0)).toBe(true)

    // Staging's PR is merged (a fast-forward of env/staging); the next run proposes prod.
    git(
      remote,
      'update-ref',
      'refs/heads/env/staging',
      refs['refs/heads/env/staging-next'] as string
    )
    api.mergePull(staging.number)
    const second = await hydrateOnPush(remote)
    expect(second.run.status).toBe(0)
    const prods = api.pulls.filter(p => p.head === 'env/prod-next')
    expect(prods).toHaveLength(1)
    expect(prods[0]).toMatchObject({ base: 'env/prod', state: 'open' })
    expect(api.pulls.filter(p => p.head === 'env/staging-next')).toHaveLength(1)
    expect(promotionsOf(second.run.outputs)).toMatchObject({
      staging: { inSync: refs['refs/heads/env/staging-next'] },
      prod: { pr: prods[0]?.number }
    })

    // A prod-only change updates the prod PR in place.
    fs.writeFileSync(path.join(dry, 'envs/prod/cm.yaml'), appConfigMap('prod', 'bonjour'))
    commitAll(dry, 'Greet prod in French')
    git(dry, 'push', '-q', 'origin', 'main')
    const third = await hydrateOnPush(remote)
    expect(third.run.status).toBe(0)
    const after = api.pulls.filter(p => p.head === 'env/prod-next')
    expect(after).toHaveLength(1)
    expect(after[0]?.number).toBe(prods[0]?.number)
    expect(after[0]?.title).toContain(`${third.sha.slice(0, 7)} Greet prod in French`)
    expect(after[0]?.body).toContain('+  greeting: bonjour')
    expect(after[0]?.body).not.toContain('greeting: hello')
    expect(promotionsOf(third.run.outputs)).toMatchObject({
      dev: { inSync: expect.any(String) },
      staging: { inSync: expect.any(String) },
      prod: { pr: prods[0]?.number }
    })
    expect(api.log.every(r => r.problems.length === 0)).toBe(true)
  })

  it('a token that may not open PRs or set statuses gets warnings; the branches are pushed and the step passes', async () => {
    const api = github()
    const { remote } = promotionRepo()
    api.failNext('POST', /\/statuses\//, 403, 3)
    api.failNext('GET', /\/pulls$/, 403, 10)
    api.failNext('GET', /\/commits\/[0-9a-f]+\/pulls$/, 403, 1)
    const before = api.pulls.length
    const { run } = await hydrateOnPush(remote)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::the promotion PR of staging: the token may not \(HTTP 403/
    )
    expect(run.stdout).toMatch(/::warning::the hydrate\/dev commit status: the token may not/)
    expect(run.stdout).not.toContain('::error::')
    expect(api.pulls.length).toBe(before)
    const refs = remoteRefs(remote)
    expect(refs['refs/heads/env/dev']).toBe(refs['refs/heads/env/dev-next'])
    expect(refs['refs/heads/env/prod-next']).toBeDefined()
    expect(promotionsOf(run.outputs)).toMatchObject({ prod: { waiting: 'staging' } })
  })

  it('a target that fails to render fails its hydrate/<env> status and pushes nothing', async () => {
    const api = github()
    const { dry, remote } = promotionRepo()
    fs.writeFileSync(path.join(dry, 'envs/prod/broken.yaml'), 'kind: [unclosed\n')
    const sha = commitAll(dry, 'Break prod')
    git(dry, 'push', '-q', 'origin', 'main')
    const before = remoteRefs(remote)
    const workspace = checkoutWorkspace(remote)
    const run = await runBundledAction({
      workspace,
      eventName: 'push',
      payload: { ref: 'refs/heads/main', after: sha },
      env: { GITHUB_API_URL: api.url, GITHUB_SHA: sha, GITHUB_RUN_ID: '99' }
    })
    expect(run.status).toBe(1)
    expect(remoteRefs(remote)).toEqual(before)
    const statuses = api.statuses.filter(s => s.sha === sha)
    expect(statuses).toEqual([
      {
        sha,
        context: 'hydrate/prod',
        state: 'failure',
        description: 'failed: app-prod did not render; nothing was pushed',
        target_url: 'https://github.com/acme/dry/actions/runs/99'
      }
    ])
    expect(api.log.every(r => r.problems.length === 0)).toBe(true)
  })
})
