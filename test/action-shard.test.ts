import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction, type ActionRun } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { promotionRepo } from './helpers/promotion.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  git,
  makeDryWithRemote,
  remoteRefs,
  tempDir
} from './helpers/repo.js'

// The three-job workflow of the README (plan → matrix → report), each job a run of the
// bundled action in a fresh checkout, against the local API server.

afterAll(cleanupTempDirs)

const github = fakeGitHubForSuite()
const DIFF_MARKER = '<!-- hydrate-action:rendered-diff id=default -->'

function passed(run: ActionRun): ActionRun {
  if (run.status !== 0)
    throw new Error(`the action failed (${run.status}):\n${run.stdout}\n${run.stderr}`)
  return run
}

/** Runs the matrix jobs, and "downloads" their report-json artifacts into one directory. */
async function matrixJobs(
  matrix: string,
  job: (shard: string) => Promise<ActionRun>
): Promise<{ runs: ActionRun[]; reports: string }> {
  const shards = (JSON.parse(matrix) as { include: Array<{ shard: string }> }).include.map(
    e => e.shard
  )
  const runs = await Promise.all(shards.map(job))
  const reports = tempDir('hydrate-artifacts-')
  runs.forEach((run, i) => {
    const file = run.outputs['report-json']
    if (!file) return
    fs.mkdirSync(path.join(reports, `shard-${i + 1}`))
    fs.copyFileSync(file, path.join(reports, `shard-${i + 1}`, path.basename(file)))
  })
  return { runs, reports }
}

describe('the bundled action, sharded (mode plan, shard jobs, mode report)', () => {
  it('on a push: plans by branch, hydrates each shard, and promotes once from the report job', async () => {
    const api = github()
    const { dry, remote } = promotionRepo()
    const drySha = git(dry, 'rev-parse', 'HEAD').trim()
    const env = { GITHUB_API_URL: api.url }
    const push = (inputs: Record<string, string>) =>
      runBundledAction({
        workspace: checkoutWorkspace(remote),
        eventName: 'push',
        payload: { ref: 'refs/heads/main', after: drySha },
        env,
        inputs
      })

    const plan = passed(await push({ mode: 'plan', shards: '2' }))
    const matrix = plan.outputs.matrix as string
    const entries = (
      JSON.parse(matrix) as { include: Array<{ shard: string; branches: string[] }> }
    ).include
    // A promotion branch goes with its environment branch; three groups over two shards.
    expect(entries.map(e => e.shard)).toEqual(['1/2', '2/2'])
    expect(entries.flatMap(e => e.branches).sort()).toEqual([
      'env/dev',
      'env/dev-next',
      'env/prod',
      'env/prod-next',
      'env/staging',
      'env/staging-next'
    ])
    for (const e of entries)
      for (const b of e.branches.filter(b => b.endsWith('-next')))
        expect(e.branches).toContain(b.replace(/-next$/, ''))

    const { runs, reports } = await matrixJobs(matrix, shard => push({ shard, plan: matrix }))
    for (const run of runs) passed(run)
    // The shards push, but leave promotion PRs and statuses to the report job.
    expect(api.pulls).toHaveLength(0)
    expect(api.statuses).toHaveLength(0)
    const refs = remoteRefs(remote)
    expect(refs['refs/heads/env/dev']).toBe(refs['refs/heads/env/dev-next']) // autoMerge, in its shard's push

    const report = passed(await push({ mode: 'report', reports, plan: matrix }))
    expect(JSON.parse(report.outputs.commits ?? '{}')).toEqual({
      'env/dev-next': refs['refs/heads/env/dev-next'],
      'env/staging-next': refs['refs/heads/env/staging-next'],
      'env/prod-next': refs['refs/heads/env/prod-next']
    })
    const staging = api.pulls.find(p => p.head === 'env/staging-next')
    expect(api.pulls).toHaveLength(1)
    expect(JSON.parse(report.outputs.promotions ?? '{}')).toEqual({
      dev: { fastForward: refs['refs/heads/env/dev'] },
      staging: { pr: staging?.number, url: `https://github.com/acme/dry/pull/${staging?.number}` },
      prod: { waiting: 'staging' }
    })
    expect(
      api.statuses
        .filter(s => s.sha === drySha)
        .map(s => s.context)
        .sort()
    ).toEqual(['hydrate/dev', 'hydrate/prod', 'hydrate/staging'])
    expect(report.summary).toContain('in 2 shards')

    // A shard with no report: the report job fails, naming it, and promotes nothing more.
    fs.rmSync(path.join(reports, 'shard-2'), { recursive: true })
    const incomplete = await push({ mode: 'report', reports, plan: matrix })
    expect(incomplete.status).toBe(1)
    expect(incomplete.stdout).toContain('shard 2/2 of 2 sent no report')
    expect(api.pulls).toHaveLength(1)
  })

  it('on a pull request: shard diffs post nothing; the report job posts the merged comment once', async () => {
    const api = github()
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
    git(dry, 'checkout', '-q', '-b', 'feature')
    const values = path.join(dry, 'environments/prod/webapp.yaml')
    fs.writeFileSync(
      values,
      fs.readFileSync(values, 'utf8').replace('replicaCount: 3', 'replicaCount: 6')
    )
    const deployment = path.join(dry, 'apps/guestbook/base/deployment.yaml')
    fs.writeFileSync(
      deployment,
      fs.readFileSync(deployment, 'utf8').replace('cpu: 50m', 'cpu: 75m')
    )
    const headSha = commitAll(dry, 'Scale prod webapp, more cpu for guestbook')
    git(dry, 'push', '-q', 'origin', 'feature')
    const payload = {
      number: 9,
      pull_request: { number: 9, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
    }
    const env = { GITHUB_API_URL: api.url }
    const pr = (inputs: Record<string, string>) =>
      runBundledAction({
        workspace: checkoutWorkspace(remote, { branch: 'feature' }),
        eventName: 'pull_request',
        payload,
        env,
        inputs
      })

    const single = passed(await pr({ comment: 'false' }))
    const plan = passed(await pr({ mode: 'plan', shards: '3' }))
    const matrix = plan.outputs.matrix as string
    const { runs, reports } = await matrixJobs(matrix, shard => pr({ shard, plan: matrix }))
    for (const run of runs) passed(run)
    expect(api.comments.get(9) ?? []).toHaveLength(0)

    const report = passed(await pr({ mode: 'report', reports, plan: matrix }))
    // The merged report is the unsharded one.
    expect(fs.readFileSync(report.outputs['report-json'] as string, 'utf8')).toBe(
      fs.readFileSync(single.outputs['report-json'] as string, 'utf8')
    )
    expect(report.outputs['changed-targets']).toBe(single.outputs['changed-targets'])
    const comments = api.comments.get(9) ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.startsWith(DIFF_MARKER)).toBe(true)
    expect(comments[0]?.body).toContain('#### Deployment webapp')
    expect(report.summary).toContain('#### Deployment webapp')

    // A failed shard (no artifact): the sticky comment says which, and shows no partial diff.
    fs.rmSync(path.join(reports, 'shard-3'), { recursive: true })
    const incomplete = await pr({ mode: 'report', reports, plan: matrix })
    expect(incomplete.status).toBe(1)
    expect(incomplete.stdout).toContain('shard 3/3 of 3 sent no report')
    const [comment] = api.comments.get(9) ?? []
    expect(api.comments.get(9)).toHaveLength(1)
    expect(comment?.body).toContain('Rendered diff incomplete')
    expect(comment?.body).toContain('`3/3`')
    expect(comment?.body).not.toContain('#### Deployment webapp')
  })
})
