import fs from 'node:fs'
import path from 'node:path'
import { getOctokit } from '@actions/github'
import { HydrateError, UsageError } from '../errors.js'
import { commentMarker, type CommentOutcome } from '../github/stickyComment.js'
import { upsertStickyParts } from '../github/stickyParts.js'
import type { Logger } from '../logger.js'
import type { DiffReport } from '../diff/types.js'
import { checkReport } from '../report/checkReport.js'
import { diffReport } from '../report/diffReportSchema.js'
import { renderCommentParts } from '../report/commentParts.js'
import { sameReport } from '../report/markdown.js'
import type { GuardedOutput } from './guardedOutput.js'
import type { ActionSettings } from './settings.js'

function octokitFor(settings: ActionSettings) {
  return getOctokit(settings.token, {
    baseUrl: settings.apiUrl
  })
}

/**
 * Creates or updates our sticky comment on PR `number`, in numbered parts when the report
 * needs them (parts no longer needed are deleted), and logs what happened.
 */
export async function postStickyComment(
  settings: ActionSettings,
  number: number,
  marker: string,
  body: string | readonly string[],
  logger: Logger
): Promise<CommentOutcome> {
  if (!settings.repository)
    throw new UsageError('GITHUB_REPOSITORY is not set: no PR to comment on')
  const [owner, repo] = settings.repository.split('/') as [string, string]
  const parts = typeof body === 'string' ? [body] : body
  const { first: outcome, removed } = await logger.group('Comment', () =>
    upsertStickyParts(
      octokitFor(settings),
      { owner, repo, number },
      marker,
      parts,
      logger,
      sameReport
    )
  )
  logger.info(
    outcome.action === 'skipped'
      ? `comment skipped: ${outcome.reason}`
      : `comment ${outcome.action}: ${outcome.url}${parts.length > 1 ? ` (in ${parts.length} parts)` : ''}${removed > 0 ? `; ${removed} part${removed === 1 ? '' : 's'} no longer needed deleted` : ''}`
  )
  return outcome
}

/** A diff report larger than this is not one a diff run writes for a comment. */
const REPORT_FILE_LIMIT = 64 * 1024 * 1024

/**
 * The saved JSON report of a diff run (a downloaded artifact) is untrusted: a fork controls
 * the workflow that wrote it. It must be UTF-8 JSON that is the diff report field by field;
 * only then is the comment rendered from it here, with every escape of a comment.
 */
export function readSavedReport(file: string): DiffReport {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch {
    throw new UsageError(`report-file ${file} cannot be read`)
  }
  const name = path.basename(file)
  if (bytes.length > REPORT_FILE_LIMIT)
    throw new HydrateError(`report-file ${name} is larger than a diff report can be`)
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  if (text.includes('\uFFFD') || !Buffer.from(text, 'utf8').equals(bytes))
    throw new HydrateError(`report-file ${name} is not UTF-8 text`)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new HydrateError(
      `report-file ${name} is not JSON: pass the report-json file of the diff run, not its comment`
    )
  }
  return checkReport(diffReport, data, `report-file ${name}`, 'hydrate-action diff report')
}

/**
 * Comment mode: the second workflow of the fork-safe pattern renders the comment itself
 * from the diff run's JSON report and posts it with the same marker-and-author sticky logic
 * as diff mode, never running the PR's code and never posting text the artifact wrote.
 */
export async function runComment(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const { prNumber, reportFile } = settings
  if (settings.commentFile)
    throw new UsageError(
      'comment mode no longer posts a saved comment (comment-file): pass report-file, the report-json file of the diff run, and the comment is rendered here'
    )
  if (!reportFile) throw new UsageError('comment mode needs the report-file input')
  if (prNumber === undefined)
    throw new UsageError('comment mode needs the pr-number input (digits only)')
  const marker = commentMarker(settings.commentId)
  const report = readSavedReport(path.resolve(settings.workingDirectory, reportFile))
  const body = renderCommentParts(report, {
    links: {
      repositoryUrl: settings.repository && `${settings.serverUrl}/${settings.repository}`
    },
    failOn: settings.failOn,
    marker,
    fullReportHint: 'The full report is in the job summary of the diff run.'
  }).map(part => output.guard.check(part, 'the comment'))
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
        `PR #${prNumber}'s head is ${data.head.sha.slice(0, 7)}, not the rendered ${settings.headSha.slice(0, 7)}: the comment is not posted`
      )
  }
  await postStickyComment(settings, prNumber, marker, body, logger)
}
