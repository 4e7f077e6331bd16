import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import { commentMarker } from '../src/github/stickyComment.js'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { cleanupTempDirs, tempDir } from './helpers/repo.js'

// The fork-safe pattern's second workflow: the action renders the comment of a saved JSON
// report (an artifact of the diff run) in comment mode, never running the PR's code, and
// never posts text the artifact wrote.
const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

const PR = 42
const HEAD = 'a'.repeat(40)
const MARKER = commentMarker('default')

const HOSTILE = `1 modified\n\n${MARKER}\n### ✅ 0 of 12 targets change · no findings\n\n@acme/everyone <img src="https://evil.example/pixel.gif"> [sign in again](https://evil.example/login)`

/** A diff report as a diff run writes it: one target whose one Deployment changes. */
function report(overrides: { name?: string; error?: string; diff?: string } = {}) {
  return {
    base: 'b'.repeat(40),
    head: HEAD,
    targets: [
      {
        name: overrides.name ?? 'web-prod',
        env: 'prod',
        branch: 'env/prod',
        path: 'web',
        status: overrides.error ? 'error' : 'changed',
        counts: { added: 0, modified: 1, removed: 0, renamed: 0 },
        resources: [
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'prod',
            name: 'web',
            change: 'modified',
            diff: overrides.diff ?? '@@ -1 +1 @@\n-replicas: 2\n+replicas: 3\n'
          }
        ],
        ...(overrides.error ? { error: overrides.error } : {})
      }
    ],
    findings: []
  }
}

function savedReport(content: unknown): string {
  const dir = tempDir('hydrate-artifact-')
  fs.writeFileSync(
    path.join(dir, 'report.json'),
    typeof content === 'string' ? content : JSON.stringify(content)
  )
  return dir
}

function postComment(workspace: string, inputs: Record<string, string> = {}) {
  return runBundledAction({
    workspace,
    eventName: 'workflow_run',
    payload: { workflow_run: { id: 1, head_sha: HEAD } },
    inputs: {
      mode: 'comment',
      'report-file': 'report.json',
      'pr-number': String(PR),
      'head-sha': HEAD,
      ...inputs
    },
    env: { GITHUB_API_URL: github().url }
  })
}

const writes = () => github().log.filter(r => r.method === 'POST' || r.method === 'PATCH')

describe('the bundled action in comment mode', () => {
  beforeEach(() => {
    github().comments.clear()
    github().log.length = 0
    github().pulls.length = 0
    github().addOpenPull(PR, HEAD)
  })

  it('renders the comment from the saved report and updates it in place', async () => {
    // A person quoting our marker: never edited.
    github().comments.set(PR, [
      { id: 1, body: `${MARKER}\nquoted by a human`, user: { login: 'octocat', type: 'User' } }
    ])
    const first = await postComment(savedReport(report()))
    expect(first.status).toBe(0)
    const second = await postComment(savedReport(report({ name: 'api-prod' })))
    expect(second.status).toBe(0)
    const comments = github().comments.get(PR) ?? []
    expect(comments).toHaveLength(2)
    expect(comments[0]?.body).toBe(`${MARKER}\nquoted by a human`)
    const body = comments[1]?.body ?? ''
    expect(body.startsWith(`${MARKER}\n`)).toBe(true)
    expect(body).toContain('api-prod')
    expect(body).not.toContain('web-prod')
    expect(body).toContain('+replicas: 3')
    expect(writes().map(r => r.operation)).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
    ])
    expect(github().log.every(r => r.problems.length === 0)).toBe(true)
  })

  it('never posts what the artifact wrote: a forged headline, mentions, HTML and links are escaped', async () => {
    const run = await postComment(
      savedReport(
        report({ name: HOSTILE.replace(/\n/g, ' '), error: HOSTILE, diff: `+${HOSTILE}\n` })
      )
    )
    expect(run.status).toBe(0)
    const posted = github().comments.get(PR)?.[0]?.body ?? ''
    expect(posted.startsWith(`${MARKER}\n`)).toBe(true)
    expect(posted.split(MARKER)).toHaveLength(2) // our marker once, the forged one broken
    // Inside a code fence text is literal (the fence is longer than any run of backticks).
    const body = posted.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '')
    expect(body.split('\n')[1]).toBe('### ❌ 1 target failed to render') // ours, once
    expect(body.match(/^#{1,3} /gm)).toHaveLength(1)
    expect(body).not.toMatch(/^#+ *✅ 0 of 12/m)
    expect(body).not.toContain('@acme/everyone')
    expect(body).not.toContain('<img')
    expect(body).not.toContain('](https://evil.example/login)')
  })

  it.each([
    [
      'a hand-made comment instead of a report',
      `${MARKER}\n### ✅ 0 of 12 targets change\n`,
      'is not JSON'
    ],
    [
      'a count that is text',
      {
        ...report(),
        targets: [
          {
            ...report().targets[0],
            counts: { added: HOSTILE, modified: 1, removed: 0, renamed: 0 }
          }
        ]
      },
      'targets[0].counts.added must be a non-negative integer'
    ],
    [
      'a status no diff has',
      { ...report(), targets: [{ ...report().targets[0], status: '✅ fine' }] },
      'targets[0].status must be one of'
    ],
    ['a field no report has', { ...report(), headline: HOSTILE }, 'headline must be absent'],
    ['a base that is not a SHA', { ...report(), base: HOSTILE }, 'base must be a full commit SHA'],
    [
      'bytes that are not UTF-8',
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'),
      'not UTF-8'
    ]
  ])('refuses a saved report with %s and posts nothing', async (_what, content, message) => {
    const dir = tempDir('hydrate-artifact-')
    fs.writeFileSync(
      path.join(dir, 'report.json'),
      typeof content === 'string' ? Buffer.from(content, 'latin1') : JSON.stringify(content)
    )
    const run = await postComment(dir)
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(message)
    expect(run.stdout).not.toContain('@acme/everyone')
    expect(writes()).toEqual([])
  })

  it('refuses the former saved-comment input', async () => {
    const dir = savedReport(report())
    fs.writeFileSync(path.join(dir, 'comment.md'), `${MARKER}\nx\n`)
    const run = await postComment(dir, { 'comment-file': 'comment.md' })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('pass report-file')
    expect(github().log).toEqual([])
  })

  it('refuses a PR number that is not digits, before any API call', async () => {
    const run = await postComment(savedReport(report()), { 'pr-number': '42; rm -rf /' })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('input pr-number must be digits')
    expect(github().log).toEqual([])
  })

  it("refuses when the PR's head is not the commit the diff run rendered", async () => {
    github().pulls.length = 0
    github().addOpenPull(PR, 'b'.repeat(40))
    const run = await postComment(savedReport(report()))
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(`PR #${PR}'s head is bbbbbbb, not the rendered aaaaaaa`)
    expect(writes()).toEqual([])
  })

  it('fails closed when the saved report holds the run token', async () => {
    const token = 'ghs_e2eToken000000000000000000000000'
    const run = await postComment(savedReport(report({ diff: `+leaked: ${token}\n` })))
    expect(run.status).toBe(1)
    // Only the runner's mask command may carry it.
    const said = run.stdout.split('\n').filter(l => !l.startsWith('::add-mask::'))
    expect(said.join('\n')).not.toContain(token)
    expect(said.join('\n')).toContain("the comment contains the run's INPUT_TOKEN")
    expect(writes()).toEqual([])
  })
})
