import type { Logger } from '../logger.js'
import { partMarker, partNumber } from '../report/commentParts.js'
import {
  httpStatus,
  ownComments,
  retryOnce,
  type CommentOutcome,
  type Octokit,
  type PullRequestRef
} from './stickyComment.js'

export interface PartsOutcome {
  /** The first part: the comment with the overview. */
  first: CommentOutcome
  /** How many parts are posted, and how many earlier parts no longer needed were deleted. */
  parts: number
  removed: number
}

/**
 * A report in numbered sticky parts: part 1 is the comment `marker` opens, part n ≥ 2 the one
 * its part marker opens; each is found by marker and our author, updated in place (left alone
 * when `same`), created when missing; our parts past the last one needed are deleted.
 */
export async function upsertStickyParts(
  octokit: Octokit,
  pr: PullRequestRef,
  marker: string,
  parts: readonly string[],
  logger: Logger,
  same: (existing: string, next: string) => boolean = (a, b) => a === b
): Promise<PartsOutcome> {
  const where = { owner: pr.owner, repo: pr.repo }
  try {
    const ours = await ownComments(octokit, pr, logger)
    const outcomes: CommentOutcome[] = []
    for (const [index, part] of parts.entries()) {
      const own = index === 0 ? marker : partMarker(marker, index + 1)
      const body = part.startsWith(own) ? part : `${own}\n${part}`
      const existing = ours.find(c =>
        index === 0
          ? (c.body ?? '').startsWith(marker)
          : partNumber(marker, c.body ?? '') === index + 1
      )
      if (existing && same(existing.body ?? '', body)) {
        outcomes.push({ action: 'unchanged', id: existing.id, url: existing.html_url })
      } else if (existing) {
        const { data } = await retryOnce(
          () => octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body }),
          logger,
          'updating the comment'
        )
        outcomes.push({ action: 'updated', id: data.id, url: data.html_url })
      } else {
        const { data } = await octokit.rest.issues.createComment({
          ...where,
          issue_number: pr.number,
          body
        })
        outcomes.push({ action: 'created', id: data.id, url: data.html_url })
      }
    }
    // Parts an earlier, longer report needed: gone, so no stale diff stays under the new one.
    const stale = ours.filter(c => (partNumber(marker, c.body ?? '') ?? 0) > parts.length)
    for (const comment of stale)
      await retryOnce(
        () => octokit.rest.issues.deleteComment({ ...where, comment_id: comment.id }),
        logger,
        'deleting a comment part no longer needed'
      )
    return { first: outcomes[0] as CommentOutcome, parts: parts.length, removed: stale.length }
  } catch (error) {
    const code = httpStatus(error)
    if (code === 403 || code === 404 || code === 401) {
      const reason = `the token cannot comment on ${pr.owner}/${pr.repo}#${pr.number} (HTTP ${code}${code === 403 ? ': a read-only token, e.g. on a fork PR' : ''}); the report is in the job summary and the report files`
      logger.warning(reason)
      return { first: { action: 'skipped', reason }, parts: 0, removed: 0 }
    }
    throw error
  }
}
