import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import type { DiffReport } from '../src/diff/types.js'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  EXAMPLE_TARGETS,
  git,
  makeDryWithRemote,
  writeFiles
} from './helpers/repo.js'

const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

const SECRET = 'Sup3r-Secret-Db-Password'

/** A PR on a remote: main, and a feature branch that changes prod and adds a Secret. */
function pullRequest() {
  const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
  const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
  git(dry, 'checkout', '-q', '-b', 'feature')
  const values = path.join(dry, 'environments/prod/webapp.yaml')
  fs.writeFileSync(
    values,
    fs.readFileSync(values, 'utf8').replace('replicaCount: 3', 'replicaCount: 6')
  )
  writeFiles(dry, {
    'cluster/prod/db-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: webapp\nstringData:\n  password: ${SECRET}\n`
  })
  const headSha = commitAll(dry, 'Scale prod and add the db secret')
  git(dry, 'push', '-q', 'origin', 'feature')
  // actions/checkout: a depth-1 clone of the PR head; the base commit is not in it.
  const workspace = checkoutWorkspace(remote, { branch: 'feature' })
  const payload = {
    number: 7,
    pull_request: { number: 7, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
  }
  return { workspace, payload, baseSha, headSha }
}

describe('the bundled action (dist/index.js) on a pull_request event', () => {
  it('renders base and head from a depth-1 clone, posts one sticky comment, writes the summary and reports', async () => {
    const { workspace, payload, baseSha, headSha } = pullRequest()
    const env = { GITHUB_API_URL: github().url }
    const run = await runBundledAction({
      workspace,
      eventName: 'pull_request',
      payload,
      env,
      inputs: { 'fail-on': 'never' }
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.outputs.changed).toBe('true')
    expect(JSON.parse(run.outputs['changed-targets'] ?? '[]')).toEqual([
      'webapp-prod',
      'cluster-prod'
    ])

    const report = JSON.parse(
      fs.readFileSync(run.outputs['report-json'] as string, 'utf8')
    ) as DiffReport
    expect(report.base).toBe(baseSha)
    expect(report.head).toBe(headSha)
    const webapp = report.targets.find(t => t.name === 'webapp-prod')
    expect(webapp?.resources.map(r => [r.kind, r.name, r.change])).toEqual([
      ['Deployment', 'webapp', 'modified']
    ])
    expect(webapp?.resources[0]?.diff).toContain('-  replicas: 3\n+  replicas: 6')
    expect(fs.readFileSync(run.outputs['report-markdown'] as string, 'utf8')).toContain(
      '#### Deployment webapp'
    )

    const comments = github().comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toMatch(
      new RegExp(
        `^<!-- hydrate-action:rendered-diff id=default -->\n### ⚠️ 2 of ${EXAMPLE_TARGETS.length} targets change in prod · 1 finding that does not block\n`
      )
    )
    expect(comments[0]?.body).toContain('#### Secret webapp/db · added · ⚠️ plaintext-secret')
    expect(comments[0]?.body).toContain(`password: "<secret: ${SECRET.length} bytes, added>"`)
    // The job summary is not a copy of the comment: every finding in a table, every diff.
    expect(run.summary).toContain(
      `### ⚠️ 2 of ${EXAMPLE_TARGETS.length} targets change in prod · 1 finding that does not block`
    )
    expect(run.summary).not.toContain('[!WARNING]')
    // The findings table: four columns, the rule and message, where, and a fix.
    expect(run.summary).toMatch(
      /\| ⚠️ error \| <b>plaintext-secret<\/b>: [^|]*\| prod \/ cluster-prod<br><code>Secret webapp\/db<\/code> \| [^|]+\|/
    )
    expect(fs.readFileSync(run.outputs['report-comment'] as string, 'utf8')).toBe(comments[0]?.body)
    expect(github().log.every(r => r.problems.length === 0)).toBe(true)
    // The plaintext Secret is a policy finding: in the table, the alerts and the output.
    expect(comments[0]?.body).toMatch(
      /🟡 <a href="[^"]*\/tree\/env\/prod\/cluster">cluster-prod<\/a> 1 added · ⚠️ 1 finding/
    )
    expect(comments[0]?.body).toContain(
      '> - <b>plaintext-secret</b> · prod / cluster-prod · <code>Secret webapp/db</code>: cluster/prod/db-secret.yaml: Secret would be committed to Git in plaintext (stringData.password)'
    )
    expect(JSON.parse(run.outputs.findings ?? '[]')).toEqual([
      expect.objectContaining({
        target: 'cluster-prod',
        resource: 'Secret webapp/db',
        rule: 'plaintext-secret',
        severity: 'error'
      })
    ])

    // The secret's value is in no output at all.
    const everything = [
      run.stdout,
      run.stderr,
      run.summary,
      comments[0]?.body,
      fs.readFileSync(run.outputs['report-json'] as string, 'utf8'),
      fs.readFileSync(run.outputs['report-markdown'] as string, 'utf8')
    ].join('\n')
    expect(everything).not.toContain(SECRET)
    expect(everything).not.toContain(Buffer.from(SECRET).toString('base64'))
    expect(git(workspace, 'status', '--porcelain')).toBe('')

    // A second run updates nothing.
    const requests = github().log.length
    const again = await runBundledAction({
      workspace,
      eventName: 'pull_request',
      payload,
      env,
      inputs: { 'fail-on': 'never' }
    })
    expect(again.status).toBe(0)
    expect(
      github()
        .log.slice(requests)
        .map(r => r.method)
    ).toEqual(['GET', 'GET'])
    expect(github().comments.get(7)).toHaveLength(1)
  })

  it('still writes the summary and reports, and passes, when the token cannot comment (fork PR)', async () => {
    const { workspace, payload } = pullRequest()
    const forked = { ...payload, number: 21, pull_request: { ...payload.pull_request, number: 21 } }
    github().failNext('POST', /\/issues\/21\/comments$/, 403)
    const run = await runBundledAction({
      workspace,
      eventName: 'pull_request_target',
      payload: forked,
      env: { GITHUB_API_URL: github().url },
      inputs: { 'fail-on': 'never' }
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/::warning::the token cannot comment on acme\/dry#21 \(HTTP 403/)
    expect(run.summary).toContain('### ⚠️ 2 of')
    // No comment to point at: the summary carries the overview itself.
    expect(run.summary).not.toContain('The pull request comment has the overview')
    expect(run.summary).toContain(
      'The pull request comment could not be posted: the overview is here.'
    )
    expect(run.summary).toMatch(/\[!(CAUTION|WARNING)\]/)
    expect(run.summary).toContain('<b>What changes</b>')
    expect(run.summary).toContain('Targets that change')
    expect(fs.existsSync(run.outputs['report-json'] as string)).toBe(true)
    expect(github().comments.get(21)).toBeUndefined()
  })

  it('fails the step on a new error finding with the default fail-on, after commenting', async () => {
    const { workspace, payload } = pullRequest()
    const pr = { ...payload, number: 31, pull_request: { ...payload.pull_request, number: 31 } }
    const run = await runBundledAction({
      workspace,
      eventName: 'pull_request',
      payload: pr,
      env: { GITHUB_API_URL: github().url }
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(
      /::error::1 policy finding blocks this:%0A- error \[plaintext-secret\] cluster-prod Secret webapp\/db/
    )
    expect(github().comments.get(31)).toHaveLength(1)
    expect(run.stdout).not.toContain(SECRET)
  })
})
