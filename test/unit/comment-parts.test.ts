import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { DEFAULT_DIFF } from '../../src/config/types.js'
import { diffResources } from '../../src/diff/resources.js'
import type { DiffReport, TargetDiff } from '../../src/diff/types.js'
import { commentMarker } from '../../src/github/stickyComment.js'
import { upsertStickyParts } from '../../src/github/stickyParts.js'
import { MemoryLogger } from '../../src/logger.js'
import { parseManifests } from '../../src/manifests/parse.js'
import {
  MAX_COMMENT_PARTS,
  partMarker,
  renderCommentParts,
  splitIntoParts
} from '../../src/report/commentParts.js'
import { COMMENT_LIMIT } from '../../src/report/markdown.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/githubApi.js'

let api: FakeGitHub
beforeAll(async () => {
  api = await startFakeGitHub()
})
afterAll(async () => api.close())

const MARKER = commentMarker('default')
const PR = { owner: 'acme', repo: 'dry', number: 5 }
const client = () => getOctokit('ghs_unitTestToken', { baseUrl: api.url })

/** A ConfigMap of `keys` keys, every value changed by a release: a wide, real resource diff. */
function configMap(keys: number, version: string): string {
  const data = Array.from(
    { length: keys },
    (_, i) => `  setting-${String(i).padStart(4, '0')}: "value ${i} of release ${version}"`
  )
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n${data.join('\n')}\n`
}

function report(keys: number): DiffReport {
  const parse = (text: string) => parseManifests(text, 't').resources
  const resources = diffResources(
    parse(configMap(keys, '1.0')),
    parse(configMap(keys, '2.0')),
    DEFAULT_DIFF
  ).resources
  const target: TargetDiff = {
    name: 'web-prod',
    env: 'prod',
    branch: 'env/prod',
    path: 'web',
    status: 'changed',
    counts: { added: 0, modified: 1, removed: 0, renamed: 0 },
    resources
  }
  return { base: 'a'.repeat(40), head: 'b'.repeat(40), targets: [target], findings: [] }
}

/** Every fence that opens in a part is closed in it; every `<details>` too. */
function balanced(part: string): boolean {
  let fence: string | undefined
  let details = 0
  for (const line of part.split('\n')) {
    if (fence) {
      if (line === fence) fence = undefined
      continue
    }
    const open = /^(`{3,})[\w-]*$/.exec(line)
    if (open) fence = open[1]
    else if (line.startsWith('<details')) details++
    else if (line === '</details>') details--
  }
  return fence === undefined && details === 0
}

describe('a diff too long for one comment', () => {
  const big = report(1500)
  const parts = renderCommentParts(big, { marker: MARKER })

  it('is split into numbered parts, each under the limit and whole markdown, together complete', () => {
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.length).toBeLessThanOrEqual(MAX_COMMENT_PARTS)
    for (const [i, part] of parts.entries()) {
      expect(part.length).toBeLessThan(COMMENT_LIMIT)
      expect(part.startsWith(i === 0 ? `${MARKER}\n### ` : `${partMarker(MARKER, i + 1)}\n`)).toBe(
        true
      )
      expect(balanced(part)).toBe(true)
    }
    expect(parts[1]).toContain(`<sub>Rendered diff, part 2 of ${parts.length}`)
    expect(parts[0]?.split('\n').slice(1, 4).join('\n')).toMatch(
      new RegExp(`^### .*\\n\\n<sub>This report is in ${parts.length} comments`)
    )
    expect(parts[0]).toContain(`<sub>Continued in part 2 of ${parts.length}.</sub>`)
    // Not one key is cut: every changed line of the diff is in some part.
    const all = parts.join('\n')
    for (let i = 0; i < 1500; i++) {
      const key = `setting-${String(i).padStart(4, '0')}`
      expect(all).toContain(`+  ${key}: value ${i} of release 2.0`)
    }
    expect(all).not.toContain('too large to show')
  })

  it('posts the parts as sticky comments, updates them in place, and deletes parts no longer needed', async () => {
    const logger = new MemoryLogger()
    const first = await upsertStickyParts(client(), PR, MARKER, parts, logger)
    expect(first).toMatchObject({ parts: parts.length, removed: 0 })
    expect(api.comments.get(PR.number)?.map(c => c.body)).toEqual(parts)

    // Re-running the same report changes nothing.
    const writes = api.log.length
    const again = await upsertStickyParts(client(), PR, MARKER, parts, logger)
    expect(again.first.action).toBe('unchanged')
    expect(api.log.slice(writes).map(r => r.method)).toEqual(['GET', 'GET'])

    // A smaller report: fewer parts; part 1 keeps its comment id; the rest go.
    const smaller = renderCommentParts(report(10), { marker: MARKER })
    expect(smaller).toHaveLength(1)
    const ids = api.comments.get(PR.number)?.map(c => c.id)
    const last = await upsertStickyParts(client(), PR, MARKER, smaller, logger)
    expect(last).toMatchObject({
      first: { action: 'updated', id: ids?.[0] },
      removed: parts.length - 1
    })
    expect(api.comments.get(PR.number)?.map(c => c.body)).toEqual(smaller)
    expect(api.log.every(r => r.problems.length === 0)).toBe(true)
  })

  it('keeps to the cap by summarizing the largest diffs first', () => {
    const huge = renderCommentParts(report(1500), { marker: MARKER }, 8_000)
    expect(huge.length).toBeLessThanOrEqual(MAX_COMMENT_PARTS)
    for (const part of huge) expect(part.length).toBeLessThan(8_000)
    expect(huge[0]).toContain('too large to show in full here')
  })

  it('leaves a report that fits as it is, in one part', () => {
    const text = `${MARKER}\n### ✅ small\n`
    expect(splitIntoParts(text, MARKER, COMMENT_LIMIT)).toEqual([text])
  })
})
