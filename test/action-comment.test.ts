import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import { commentMarker } from '../src/github/stickyComment.js'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { cleanupTempDirs, tempDir } from './helpers/repo.js'

// The fork-safe pattern's second workflow: the action posts a saved comment (an artifact of
// the diff run) in comment mode, never running the PR's code.
const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

const PR = 42
const HEAD = 'a'.repeat(40)
const MARKER = commentMarker('default')

function savedComment(body: string): string {
  const dir = tempDir('hydrate-artifact-')
  fs.writeFileSync(path.join(dir, 'comment.md'), body)
  return dir
}

function postComment(workspace: string, inputs: Record<string, string> = {}) {
  return runBundledAction({
    workspace,
    eventName: 'workflow_run',
    payload: { workflow_run: { id: 1, head_sha: HEAD } },
    inputs: {
      mode: 'comment',
      'comment-file': 'comment.md',
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

  it('posts the saved comment as the sticky comment and updates it in place', async () => {
    // A person quoting our marker: never edited.
    github().comments.set(PR, [
      { id: 1, body: `${MARKER}\nquoted by a human`, user: { login: 'octocat', type: 'User' } }
    ])
    const first = await postComment(
      savedComment(`${MARKER}\n### Rendered diff: 1 of 3 targets change\n`)
    )
    expect(first.status).toBe(0)
    const second = await postComment(
      savedComment(`${MARKER}\n### Rendered diff: 2 of 3 targets change\n`)
    )
    expect(second.status).toBe(0)
    const comments = github().comments.get(PR) ?? []
    expect(comments.map(c => c.body)).toEqual([
      `${MARKER}\nquoted by a human`,
      `${MARKER}\n### Rendered diff: 2 of 3 targets change\n`
    ])
    expect(writes().map(r => r.operation)).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
    ])
    expect(github().log.every(r => r.problems.length === 0)).toBe(true)
  })

  it.each([
    ['no marker', 'just some text\n', 'is not a hydrate-action comment'],
    [
      'the marker of another comment-id',
      `${commentMarker('other')}\nx\n`,
      'is not a hydrate-action comment'
    ],
    [
      'a second marker further down',
      `${MARKER}\nx\n${MARKER}\n`,
      'is not a hydrate-action comment'
    ],
    ['more than a comment holds', `${MARKER}\n${'x'.repeat(70_000)}\n`, 'a comment holds 65536'],
    ['bytes that are not UTF-8', Buffer.from([0x3c, 0xff, 0xfe]).toString('latin1'), 'not UTF-8']
  ])('refuses a saved comment with %s and posts nothing', async (_what, body, message) => {
    const dir = tempDir('hydrate-artifact-')
    fs.writeFileSync(path.join(dir, 'comment.md'), Buffer.from(body, 'latin1'))
    const run = await postComment(dir)
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(message)
    expect(writes()).toEqual([])
  })

  it('refuses a PR number that is not digits, before any API call', async () => {
    const run = await postComment(savedComment(`${MARKER}\nx\n`), { 'pr-number': '42; rm -rf /' })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('input pr-number must be digits')
    expect(github().log).toEqual([])
  })

  it("refuses when the PR's head is not the commit the diff run rendered", async () => {
    github().pulls.length = 0
    github().addOpenPull(PR, 'b'.repeat(40))
    const run = await postComment(savedComment(`${MARKER}\nx\n`))
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(`PR #${PR}'s head is bbbbbbb, not the rendered aaaaaaa`)
    expect(writes()).toEqual([])
  })

  it('fails closed when the saved comment holds the run token', async () => {
    const token = 'ghs_e2eToken000000000000000000000000'
    const run = await postComment(savedComment(`${MARKER}\nleaked: ${token}\n`))
    expect(run.status).toBe(1)
    // Only the runner's mask command may carry it.
    const said = run.stdout.split('\n').filter(l => !l.startsWith('::add-mask::'))
    expect(said.join('\n')).not.toContain(token)
    expect(said.join('\n')).toContain("the saved comment contains the run's INPUT_TOKEN")
    expect(writes()).toEqual([])
  })
})
