import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { commentMarker, upsertStickyComment } from '../../src/github/stickyComment.js'
import { MemoryLogger } from '../../src/logger.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/githubApi.js'

let api: FakeGitHub
beforeAll(async () => {
  api = await startFakeGitHub()
})
afterAll(async () => api.close())

const PR = { owner: 'acme', repo: 'dry', number: 7 }
const client = () => getOctokit('ghs_unitTestToken', { baseUrl: api.url })

describe('sticky PR comment through the real Octokit client', () => {
  it('creates one comment, then updates it in place, then leaves it alone when unchanged', async () => {
    const marker = commentMarker('default')
    const logger = new MemoryLogger()
    const first = await upsertStickyComment(client(), PR, marker, 'first report', logger)
    expect(first.action).toBe('created')
    expect(api.comments.get(7)).toHaveLength(1)
    expect(api.comments.get(7)?.[0]?.body).toBe(`${marker}\nfirst report`)

    const second = await upsertStickyComment(client(), PR, marker, 'second report', logger)
    expect(second).toMatchObject({
      action: 'updated',
      id: first.action === 'created' ? first.id : -1
    })
    expect(api.comments.get(7)).toHaveLength(1)
    expect(api.comments.get(7)?.[0]?.body).toBe(`${marker}\nsecond report`)

    const requestsBefore = api.log.length
    const third = await upsertStickyComment(client(), PR, marker, 'second report', logger)
    expect(third.action).toBe('unchanged')
    expect(api.log.slice(requestsBefore).map(r => r.method)).toEqual(['GET', 'GET']) // no PATCH, no POST
    expect(api.log.every(r => r.problems.length === 0)).toBe(true)
    expect(api.log.map(r => r.operation)).toContain(
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
    )
  })

  it("adopts only a comment our marker opens: another workflow's marker injected into a body does not count", async () => {
    const staging = commentMarker('staging')
    // Our own earlier default comment, whose rendered content carried a forged staging marker.
    api.comments.set(19, [
      {
        id: 91,
        body: `${commentMarker('default')}\nreport quoting ${staging}`,
        user: { login: 'hydrate-bot[bot]', type: 'Bot' }
      }
    ])
    const outcome = await upsertStickyComment(
      client(),
      { ...PR, number: 19 },
      staging,
      'staging report',
      new MemoryLogger()
    )
    expect(outcome.action).toBe('created')
    expect(api.comments.get(19)?.map(c => c.body)).toEqual([
      `${commentMarker('default')}\nreport quoting ${staging}`,
      `${staging}\nstaging report`
    ])
    expect(commentMarker('a --> <b>')).toBe('<!-- hydrate-action:rendered-diff id=a------b- -->')
  })

  it('never touches a human comment that quotes the marker, and keeps comment-ids apart', async () => {
    const marker = commentMarker('default')
    api.comments.set(8, [
      {
        id: 1,
        body: `I saw this: ${marker} in the bot's comment`,
        user: { login: 'octocat', type: 'User' }
      }
    ])
    const outcome = await upsertStickyComment(
      client(),
      { ...PR, number: 8 },
      marker,
      'report',
      new MemoryLogger()
    )
    expect(outcome.action).toBe('created')
    expect(api.comments.get(8)?.[0]?.body).toBe(`I saw this: ${marker} in the bot's comment`)
    const other = await upsertStickyComment(
      client(),
      { ...PR, number: 8 },
      commentMarker('staging-workflow'),
      'other report',
      new MemoryLogger()
    )
    expect(other.action).toBe('created')
    expect(api.comments.get(8)).toHaveLength(3)
  })

  it('finds its comment among many (pagination)', async () => {
    const marker = commentMarker('default')
    api.comments.set(
      9,
      Array.from({ length: 150 }, (_, i) => ({
        id: 5000 + i,
        body: `chatter ${i}`,
        user: { login: 'octocat', type: 'User' }
      }))
    )
    await upsertStickyComment(client(), { ...PR, number: 9 }, marker, 'v1', new MemoryLogger())
    const again = await upsertStickyComment(
      client(),
      { ...PR, number: 9 },
      marker,
      'v2',
      new MemoryLogger()
    )
    expect(again.action).toBe('updated')
    expect(api.comments.get(9)).toHaveLength(151)
  })

  it('uses github-actions[bot] as its own login when GET /user is forbidden (GITHUB_TOKEN)', async () => {
    api.setLogin(undefined)
    try {
      const marker = commentMarker('default')
      const first = await upsertStickyComment(
        client(),
        { ...PR, number: 10 },
        marker,
        'a',
        new MemoryLogger()
      )
      expect(first.action).toBe('created')
      expect(api.comments.get(10)?.[0]?.user.login).toBe('github-actions[bot]')
      expect(
        (
          await upsertStickyComment(
            client(),
            { ...PR, number: 10 },
            marker,
            'b',
            new MemoryLogger()
          )
        ).action
      ).toBe('updated')
    } finally {
      api.setLogin('hydrate-bot[bot]')
    }
  })

  it('degrades a 403 on create to a warning', async () => {
    api.failNext('POST', /\/issues\/11\/comments$/, 403)
    const logger = new MemoryLogger()
    const outcome = await upsertStickyComment(
      client(),
      { ...PR, number: 11 },
      commentMarker('default'),
      'report',
      logger
    )
    expect(outcome.action).toBe('skipped')
    expect(logger.lines.join('\n')).toMatch(
      /warning: the token cannot comment on acme\/dry#11 \(HTTP 403: a read-only token, e\.g\. on a fork PR\)/
    )
    expect(api.comments.get(11)).toBeUndefined()
  })

  it('retries a listing once after a server error', async () => {
    api.failNext('GET', /\/issues\/12\/comments$/, 502)
    const logger = new MemoryLogger()
    const outcome = await upsertStickyComment(
      client(),
      { ...PR, number: 12 },
      commentMarker('default'),
      'report',
      logger
    )
    expect(outcome.action).toBe('created')
    expect(logger.lines.some(l => l.startsWith('warning: listing PR comments failed'))).toBe(true)
  })

  it('rejects a request the OpenAPI description does not allow', async () => {
    const octokit = client()
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: 'acme',
        repo: 'dry',
        issue_number: 13,
        body: 42 as unknown as string
      })
    ).rejects.toMatchObject({ status: 422 })
    expect(api.log[api.log.length - 1]?.problems.join()).toMatch(/body: data\/body must be string/)
  })
})
