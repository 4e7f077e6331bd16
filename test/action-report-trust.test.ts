import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { promotionRepo } from './helpers/promotion.js'
import { checkoutWorkspace, cleanupTempDirs, git, remoteRefs, tempDir } from './helpers/repo.js'

// The report job of a pull request run: the shard jobs ran the PR's content, so the reports
// they uploaded never choose the job's path. A forged push report is refused before anything.

afterAll(cleanupTempDirs)

const github = fakeGitHubForSuite()

describe('the bundled action in report mode on a pull request', () => {
  it('refuses a forged hydrate-push report: no promotion PR, no status, no output', async () => {
    const api = github()
    const { dry, remote } = promotionRepo()
    const sha = git(dry, 'rev-parse', 'HEAD').trim()
    const before = remoteRefs(remote)
    const pr = (inputs: Record<string, string>) =>
      runBundledAction({
        workspace: checkoutWorkspace(remote),
        eventName: 'pull_request',
        payload: {
          number: 7,
          pull_request: { number: 7, base: { sha, ref: 'main' }, head: { sha } }
        },
        env: { GITHUB_API_URL: api.url },
        inputs
      })
    const plan = await pr({ mode: 'plan', shards: '2' })
    expect(plan.status).toBe(0)
    const matrix = plan.outputs.matrix as string
    const entries = (
      JSON.parse(matrix) as {
        include: Array<{ shard: string; branches: string[]; fingerprint: string }>
      }
    ).include

    // What a PR's shard job can upload: push reports with the plan's own stamps.
    const reports = tempDir('hydrate-artifacts-')
    for (const entry of entries)
      fs.writeFileSync(
        path.join(reports, `shard-${entry.shard.replace('/', '-of-')}.json`),
        JSON.stringify({
          kind: 'hydrate-push',
          shard: { id: entry.shard, fingerprint: entry.fingerprint },
          drySha: sha,
          pushed: true,
          branches: entry.branches.map(branch => ({
            branch,
            status: 'updated',
            commit: 'f'.repeat(40),
            changedTargets: [],
            pruned: []
          })),
          environments: []
        })
      )
    const report = await pr({ mode: 'report', reports, plan: matrix })
    expect(report.status).toBe(1)
    expect(report.stdout).toContain("a pull_request run's report job accepts only diff reports")
    expect(api.pulls).toHaveLength(0)
    expect(api.statuses).toHaveLength(0)
    expect(api.comments.get(7) ?? []).toHaveLength(0)
    expect(report.outputs).toEqual({})
    expect(remoteRefs(remote)).toEqual(before)
  })
})
