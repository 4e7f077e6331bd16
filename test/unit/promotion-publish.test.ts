import { describe, expect, it } from '@jest/globals'
import type { PromotionGitHub, PullRequest } from '../../src/github/promotionGitHub.js'
import { promotionMarker } from '../../src/github/promotionPulls.js'
import { publishPromotions } from '../../src/github/promotions.js'
import type { PromotionResult } from '../../src/promotion/plan.js'
import { MemoryLogger } from '../../src/logger.js'

const SHA = 'a'.repeat(40)
const NEXT_TIP = 'b'.repeat(40)

/** In memory: the pull requests and statuses a publish leaves behind. */
function memoryGitHub(pulls: Array<PullRequest & { head: string; base: string; state: string }>) {
  const statuses: Array<{ context: string; state: string; description: string }> = []
  const github: PromotionGitHub = {
    openPulls: async (_repo, head, base) =>
      pulls.filter(p => p.head === head && p.base === base && p.state === 'open'),
    createPull: async (_repo, pull) => {
      const created = { ...pull, number: pulls.length + 1, url: 'u', author: 'bot', state: 'open' }
      pulls.push(created)
      return created
    },
    updatePull: async (_repo, number, change) => {
      const pull = pulls.find(p => p.number === number) as (typeof pulls)[0]
      Object.assign(pull, change)
      return pull
    },
    setStatus: async (_repo, _sha, status) => void statuses.push(status),
    pullsOfCommit: async () => [],
    editComment: async () => ({}),
    login: async () => 'bot'
  }
  return { github, statuses }
}

const options = (github: PromotionGitHub, logger: MemoryLogger) => ({
  github,
  logger,
  branches: { owner: 'acme', repo: 'deploy' },
  dry: { owner: 'acme', repo: 'dry' },
  dryCommit: {
    sha: SHA,
    subject: 'Change',
    author: '',
    date: '',
    body: '',
    references: [],
    repoURL: 'https://github.com/acme/dry'
  },
  serverUrl: 'https://github.com',
  commentMarker: '<!-- m -->',
  check: (text: string) => text
})

const environment = (outcome: PromotionResult['environments'][0]['outcome']) => ({
  env: 'prod',
  branch: 'env/prod',
  next: 'env/prod-next',
  autoMerge: false,
  branchTip: 'c'.repeat(40),
  nextTip: NEXT_TIP,
  outcome
})

describe('publishPromotions', () => {
  it('closes our open PR of an environment that waits, and sets a pending status', async () => {
    const pulls = [
      {
        number: 5,
        url: 'u',
        title: 't',
        body: `${promotionMarker('prod')}\nold`,
        author: 'bot',
        head: 'env/prod-next',
        base: 'env/prod',
        state: 'open'
      }
    ]
    const { github, statuses } = memoryGitHub(pulls)
    const published = await publishPromotions(
      { drySha: SHA, environments: [environment({ kind: 'waiting', for: 'staging' })] },
      options(github, new MemoryLogger())
    )
    expect(published).toEqual({ prod: { waiting: 'staging' } })
    expect(pulls[0]?.state).toBe('closed')
    expect(pulls[0]?.body).toContain('prod waits until staging carries aaaaaaa')
    expect(statuses).toEqual([
      expect.objectContaining({ context: 'hydrate/prod', state: 'pending' })
    ])
  })

  it("leaves someone else's open PR between the two branches as it is", async () => {
    const pulls = [
      {
        number: 9,
        url: 'theirs',
        title: 'manual',
        body: 'by hand',
        author: 'alice',
        head: 'env/prod-next',
        base: 'env/prod',
        state: 'open'
      }
    ]
    const { github } = memoryGitHub(pulls)
    const logger = new MemoryLogger()
    const published = await publishPromotions(
      {
        drySha: SHA,
        environments: [
          environment({
            kind: 'proposed',
            report: { base: 'c'.repeat(40), head: NEXT_TIP, targets: [], findings: [] }
          })
        ]
      },
      options(github, logger)
    )
    expect(published).toEqual({ prod: { pr: 9, url: 'theirs' } })
    expect(pulls).toHaveLength(1)
    expect(pulls[0]).toMatchObject({ title: 'manual', body: 'by hand' })
    expect(logger.lines.join('\n')).toContain(
      '#9 from env/prod-next into env/prod was not opened by hydrate'
    )
  })
})
