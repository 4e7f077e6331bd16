import type { getOctokit } from '@actions/github'
import { getErrorMessage } from '../errors.js'
import type { Logger } from '../logger.js'

export type Octokit = ReturnType<typeof getOctokit>

export interface PullRequestRef {
  owner: string
  repo: string
  number: number
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  | { action: 'skipped'; reason: string }

/** The login GITHUB_TOKEN comments as; an installation token cannot read GET /user. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

/** The hidden marker that makes a comment ours, one per `comment-id`. */
export function commentMarker(commentId: string): string {
  return `<!-- hydrate-action:rendered-diff id=${commentId.replace(/[^\w.-]/g, '-')} -->`
}

export function httpStatus(error: unknown): number | undefined {
  const value = (error as { status?: unknown } | null)?.status
  return typeof value === 'number' ? value : undefined
}

/** Retries once on a server error or a network failure: only for idempotent calls. */
export async function retryOnce<T>(
  call: () => Promise<T>,
  logger: Logger,
  what: string
): Promise<T> {
  try {
    return await call()
  } catch (error) {
    const code = httpStatus(error)
    if (code !== undefined && code < 500) throw error
    logger.warning(`${what} failed (${getErrorMessage(error)}); retrying once`)
    await new Promise(resolve => setTimeout(resolve, 1000))
    return call()
  }
}

export async function ownLogin(octokit: Octokit, logger: Logger): Promise<string> {
  try {
    const { data } = await retryOnce(
      () => octokit.rest.users.getAuthenticated(),
      logger,
      'GET /user'
    )
    return data.login
  } catch (error) {
    const code = httpStatus(error)
    if (code === 403 || code === 404 || code === 401) return ACTIONS_BOT_LOGIN
    throw error
  }
}

/** The PR's comments by the token's own author: the only ones a sticky comment may be. */
export async function ownComments(octokit: Octokit, pr: PullRequestRef, logger: Logger) {
  const login = await ownLogin(octokit, logger)
  const comments = await retryOnce(
    () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.number,
        per_page: 100
      }),
    logger,
    'listing PR comments'
  )
  return comments.filter(c => c.user?.login === login)
}

/**
 * One sticky comment per PR and marker: found by the marker AND the token's own author (a
 * human quoting the marker is never edited), updated in place, left alone when unchanged.
 * A token that may not comment (fork PRs, read-only) gives a warning, not a failure.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  pr: PullRequestRef,
  marker: string,
  body: string,
  logger: Logger,
  /** When an existing body counts as the same (default: identical). */
  sameContent: (existing: string, next: string) => boolean = (a, b) => a === b
): Promise<CommentOutcome> {
  const text = body.startsWith(marker) ? body : `${marker}\n${body}`
  return stickyComment(
    octokit,
    pr,
    marker,
    existing => (existing !== undefined && sameContent(existing, text) ? undefined : text),
    logger,
    '; the report is in the job summary and the report files'
  )
}

/**
 * Edits our sticky comment of a PR (found as upsertStickyComment finds it) through `edit`,
 * which gets its current body (undefined: there is none yet, and one is created) and keeps
 * what other runs wrote there, such as the rendered diff.
 */
export function editStickyComment(
  octokit: Octokit,
  pr: PullRequestRef,
  marker: string,
  edit: (existing: string | undefined) => string,
  logger: Logger
): Promise<CommentOutcome> {
  return stickyComment(
    octokit,
    pr,
    marker,
    existing => {
      const text = edit(existing)
      return text === existing ? undefined : text
    },
    logger,
    ''
  )
}

/** Finds our comment; `next` gives its new body, or undefined to leave it as it is. */
async function stickyComment(
  octokit: Octokit,
  pr: PullRequestRef,
  marker: string,
  next: (existing: string | undefined) => string | undefined,
  logger: Logger,
  skippedHint: string
): Promise<CommentOutcome> {
  try {
    // The marker must open the body: one quoted or injected further down does not count.
    const ours = (await ownComments(octokit, pr, logger)).find(c =>
      (c.body ?? '').startsWith(marker)
    )
    const text = next(ours ? (ours.body ?? '') : undefined)
    if (ours) {
      if (text === undefined) return { action: 'unchanged', id: ours.id, url: ours.html_url }
      const { data } = await retryOnce(
        () =>
          octokit.rest.issues.updateComment({
            owner: pr.owner,
            repo: pr.repo,
            comment_id: ours.id,
            body: text
          }),
        logger,
        'updating the comment'
      )
      return { action: 'updated', id: data.id, url: data.html_url }
    }
    const { data } = await octokit.rest.issues.createComment({
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      body: text ?? marker
    })
    return { action: 'created', id: data.id, url: data.html_url }
  } catch (error) {
    const code = httpStatus(error)
    if (code === 403 || code === 404 || code === 401) {
      const reason = `the token cannot comment on ${pr.owner}/${pr.repo}#${pr.number} (HTTP ${code}${code === 403 ? ': a read-only token, e.g. on a fork PR' : ''})${skippedHint}`
      logger.warning(reason)
      return { action: 'skipped', reason }
    }
    throw error
  }
}
