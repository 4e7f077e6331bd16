import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { commentMarker } from '../src/github/stickyComment.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  git,
  makeDryWithRemote,
  tempDir,
  writeFiles
} from './helpers/repo.js'
import { ROOT } from './helpers/tools.js'
import { markdownWorkflows } from './helpers/workflows.js'
import { onlyJob, runJob, type JobRun, type WorkflowStep } from './helpers/workflowRunner.js'

// The fork-safe pair of workflows docs/rendered-diff.md shows, run step by step as the runner
// would, on a pull request whose diff step fails (a plaintext Secret is a blocking finding):
// the report must still be uploaded, and the workflow_run workflow must post the comment.
const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

interface Workflow {
  name?: string
  on: string | Record<string, { workflows?: string[] } | null>
  jobs: Record<string, Record<string, unknown>>
}

/** The pair as documented: the workflow_run workflow and the pull_request one before it. */
function forkPair(): { diff: WorkflowStep[]; comment: WorkflowStep[] } {
  const workflows = markdownWorkflows(path.join(ROOT, 'docs', 'rendered-diff.md')).map(
    w => parse(w.text) as Workflow
  )
  const at = workflows.findIndex(w => typeof w.on === 'object' && 'workflow_run' in w.on)
  expect(workflows.filter(w => typeof w.on === 'object' && 'workflow_run' in w.on)).toHaveLength(1)
  const comment = workflows[at] as Workflow
  const diff = workflows[at - 1] as Workflow
  const trigger = typeof comment.on === 'object' ? comment.on.workflow_run : undefined
  expect(trigger?.workflows).toEqual([diff.name])
  expect(diff.on).toBe('pull_request')
  return { diff: onlyJob(diff).steps, comment: onlyJob(comment).steps }
}

/** A PR on the example repository that adds a Secret in plain YAML (plaintext-secret: error). */
function riskyPullRequest() {
  const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
  const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
  git(dry, 'checkout', '-q', '-b', 'feature')
  writeFiles(dry, {
    'cluster/prod/db-secret.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: webapp\nstringData:\n  password: Sup3r-Secret-Db-Password\n'
  })
  const headSha = commitAll(dry, 'Add the db secret')
  git(dry, 'push', '-q', 'origin', 'feature')
  return {
    workspace: checkoutWorkspace(remote, { branch: 'feature' }),
    event: {
      number: 7,
      pull_request: { number: 7, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
    },
    headSha
  }
}

const outcomes = (job: JobRun) =>
  job.steps.map(s => `${s.step.id ?? s.step.uses ?? 'run'}: ${s.outcome}`)

/** The diff workflow on the PR, then the comment workflow on its completion. */
async function runPair(diffSteps: WorkflowStep[], commentSteps: WorkflowStep[]) {
  const pr = riskyPullRequest()
  github().addOpenPull(7, pr.headSha)
  const artifacts = tempDir('hydrate-artifacts-')
  const env = { GITHUB_API_URL: github().url }
  const diff = await runJob(diffSteps, {
    eventName: 'pull_request',
    event: pr.event,
    runId: 101,
    workspace: pr.workspace,
    artifacts,
    env
  })
  const comment = await runJob(commentSteps, {
    eventName: 'workflow_run',
    event: {
      workflow_run: {
        id: 101,
        head_sha: pr.headSha,
        event: 'pull_request',
        conclusion: diff.conclusion
      }
    },
    runId: 102,
    workspace: tempDir('hydrate-comment-workspace-'),
    artifacts,
    env
  })
  return { diff, comment, artifact: path.join(artifacts, '101', 'rendered-diff') }
}

describe('the pull-request workflows README.md and docs/rendered-diff.md show, run as the runner would', () => {
  it('a diff step failed by a blocking finding still uploads the report, and the comment is posted', async () => {
    const { diff: diffSteps, comment: commentSteps } = forkPair()
    const { diff, comment, artifact } = await runPair(diffSteps, commentSteps)

    // The diff step fails (the check is red), the steps after it run anyway.
    expect(outcomes(diff)).toEqual([
      'actions/checkout@v4: success',
      'azure/setup-helm@v4: success',
      'azure/setup-kubectl@v4: success',
      'diff: failure',
      'run: success',
      'actions/upload-artifact@v4: success'
    ])
    expect(diff.conclusion).toBe('failure')
    expect(diff.steps[3]?.log).toContain('plaintext-secret')
    expect(fs.readdirSync(artifact).sort()).toEqual(['pr-number', 'report.json'])
    expect(fs.readFileSync(path.join(artifact, 'pr-number'), 'utf8')).toBe('7\n')
    const report = JSON.parse(fs.readFileSync(path.join(artifact, 'report.json'), 'utf8')) as {
      findings: Array<{ rule: string }>
    }
    expect(report.findings.map(f => f.rule)).toContain('plaintext-secret')

    // The comment workflow downloads it, keeps the digits and posts through the API.
    expect(outcomes(comment)).toEqual([
      'actions/download-artifact@v4: success',
      'pr: success',
      'org/hydrate-action@v1: success'
    ])
    expect(comment.steps[1]?.outputs).toEqual({ number: '7' })
    const comments = github().comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.startsWith(`${commentMarker('default')}\n`)).toBe(true)
    expect(comments[0]?.body).toContain('plaintext-secret')
    expect(comments[0]?.body).not.toContain('Sup3r-Secret-Db-Password')
    expect(
      github()
        .log.filter(r => r.method === 'POST')
        .map(r => r.operation)
    ).toEqual(['POST /repos/{owner}/{repo}/issues/{issue_number}/comments'])
    expect(github().log.every(r => r.problems.length === 0)).toBe(true)
  })

  it('without if: always() on the copy step, the report is lost and no comment is posted (what issue 29 found)', async () => {
    github().comments.clear()
    github().log.length = 0
    const { diff: diffSteps, comment: commentSteps } = forkPair()
    const copy = diffSteps.findIndex(s => s.run !== undefined)
    const withoutAlways = diffSteps.map((step, i) =>
      i === copy ? { ...step, if: undefined } : step
    )
    const { diff, comment, artifact } = await runPair(withoutAlways, commentSteps)
    expect(outcomes(diff).slice(3)).toEqual([
      'diff: failure',
      'run: skipped',
      'actions/upload-artifact@v4: success'
    ])
    expect(diff.steps[5]?.log).toContain('No files were found with the provided path: out/')
    expect(fs.existsSync(artifact)).toBe(false)
    expect(outcomes(comment)).toEqual([
      'actions/download-artifact@v4: failure',
      'pr: skipped',
      'org/hydrate-action@v1: skipped'
    ])
    expect(github().comments.get(7) ?? []).toEqual([])
  })

  it("the README's one-workflow form: the diff step posts the comment and fails; the report markdown is still uploaded", async () => {
    github().comments.clear()
    github().log.length = 0
    const readme = markdownWorkflows(path.join(ROOT, 'README.md'))
      .map(w => parse(w.text) as Workflow)
      .filter(w => typeof w.on === 'object' && 'pull_request' in w.on)
    expect(readme).toHaveLength(1)
    const pr = riskyPullRequest()
    github().addOpenPull(7, pr.headSha)
    const artifacts = tempDir('hydrate-artifacts-')
    const run = await runJob(onlyJob(readme[0] as Workflow).steps, {
      eventName: 'pull_request',
      event: pr.event,
      runId: 201,
      workspace: pr.workspace,
      artifacts,
      env: { GITHUB_API_URL: github().url }
    })
    expect(outcomes(run).slice(3)).toEqual(['diff: failure', 'actions/upload-artifact@v4: success'])
    const uploaded = path.join(artifacts, '201', 'rendered-diff')
    const files = fs.readdirSync(uploaded)
    expect(files).toHaveLength(1)
    expect(fs.readFileSync(path.join(uploaded, files[0] as string), 'utf8')).toContain(
      'plaintext-secret'
    )
    const comments = github().comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain('plaintext-secret')
  })
})
