import fs from 'node:fs'
import path from 'node:path'
import { getOctokit } from '@actions/github'
import { HydrateError, UsageError } from '../errors.js'
import { commentMarker, upsertStickyComment } from '../github/stickyComment.js'
import type { Logger } from '../logger.js'
import { COMMENT_LIMIT, sameReport } from '../report/markdown.js'
import type { GuardedOutput } from './guardedOutput.js'
import type { ActionSettings } from './settings.js'

function octokitFor(settings: ActionSettings) {
  return getOctokit(settings.token, {
    baseUrl: settings.apiUrl
  })
}

/** Creates or updates our sticky comment on PR `number` and logs what happened. */
export async function postStickyComment(
  settings: ActionSettings,
  number: number,
  marker: string,
  body: string,
  logger: Logger
): Promise<void> {
  if (!settings.repository)
    throw new UsageError('GITHUB_REPOSITORY is not set: no PR to comment on')
  const [owner, repo] = settings.repository.split('/') as [string, string]
  const outcome = await logger.group('Comment', () =>
    upsertStickyComment(
      octokitFor(settings),
      { owner, repo, number },
      marker,
      body,
      logger,
      sameReport
    )
  )
  logger.info(
    outcome.action === 'skipped'
      ? `comment skipped: ${outcome.reason}`
      : `comment ${outcome.action}: ${outcome.url}`
  )
}

/**
 * The saved comment of a diff run (a downloaded artifact) is untrusted: a fork controls the
 * workflow that wrote it. Refuses anything that is not one of our comments for that PR.
 */
export function readSavedComment(file: string, commentId: string): string {
  const marker = commentMarker(commentId)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch {
    throw new UsageError(`comment-file ${file} cannot be read`)
  }
  if (bytes.length > COMMENT_LIMIT * 4)
    throw new HydrateError(`comment-file ${path.basename(file)} is larger than a comment can be`)
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  if (text.includes('\uFFFD') || !Buffer.from(text, 'utf8').equals(bytes))
    throw new HydrateError(`comment-file ${path.basename(file)} is not UTF-8 text`)
  if (text.length > COMMENT_LIMIT)
    throw new HydrateError(
      `comment-file ${path.basename(file)} has ${text.length} characters; a comment holds ${COMMENT_LIMIT}`
    )
  if (!text.startsWith(`${marker}\n`) || text.indexOf(marker, marker.length) !== -1)
    throw new HydrateError(
      `comment-file ${path.basename(file)} is not a hydrate-action comment for comment-id ${JSON.stringify(commentId)} (it must open with ${marker}, once)`
    )
  return text
}

/**
 * Comment mode: the second workflow of the fork-safe pattern posts a saved comment with the
 * same marker-and-author sticky logic as diff mode, never running the PR's code.
 */
export async function runComment(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const { prNumber, commentFile } = settings
  if (!commentFile) throw new UsageError('comment mode needs the comment-file input')
  if (prNumber === undefined)
    throw new UsageError('comment mode needs the pr-number input (digits only)')
  const marker = commentMarker(settings.commentId)
  const body = output.guard.check(
    readSavedComment(path.resolve(settings.workingDirectory, commentFile), settings.commentId),
    'the saved comment'
  )
  if (settings.headSha) {
    // The PR number comes from the artifact too: it must name the PR whose head was rendered.
    const [owner, repo] = (settings.repository ?? '/').split('/') as [string, string]
    const { data } = await octokitFor(settings).rest.pulls.get({
      owner,
      repo,
      pull_number: prNumber
    })
    if (data.head.sha !== settings.headSha)
      throw new HydrateError(
        `PR #${prNumber}'s head is ${data.head.sha.slice(0, 7)}, not the rendered ${settings.headSha.slice(0, 7)}: the saved comment is not posted`
      )
  }
  await postStickyComment(settings, prNumber, marker, body, logger)
}
