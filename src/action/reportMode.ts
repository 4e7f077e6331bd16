import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { diffVerdict, enforceVerdict, promotionFromBranches } from '../engine.js'
import { HydrateError } from '../errors.js'
import { commentMarker } from '../github/stickyComment.js'
import type { Logger } from '../logger.js'
import { escapeText } from '../report/escape.js'
import { mergeDiffReports } from '../shard/diffReport.js'
import { readShardReports, type ShardReports } from '../shard/load.js'
import { parseMatrix } from '../shard/plan.js'
import { mergePushReports } from '../shard/pushReport.js'
import { checkDiffClaims, checkPushClaims } from '../shard/claims.js'
import {
  checkShards,
  IncompleteShardsError,
  ShardReportError,
  type ShardCompleteness
} from '../shard/reports.js'
import { postStickyComment } from './commentMode.js'
import { publishDiffReport, readEvent } from './diffMode.js'
import type { GuardedOutput } from './guardedOutput.js'
import { branchRemote, promote } from './promote.js'
import { remoteAuth, type ActionSettings } from './settings.js'

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

/**
 * Report mode (docs/adr/0019): the shard jobs' reports, downloaded into `reports`, as one.
 * On a pull request: the one sticky comment and job summary of the merged diff. On a push:
 * the outputs and summary of every shard's branches, and with `promotion:` the promotion
 * PRs and statuses, made once from the branches as the shards left them. A shard without
 * a report fails the step, named; a foreign report is refused.
 */
export async function runReport(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  if (!settings.reports)
    throw new HydrateError(
      'report mode needs the reports input: the directory the shard reports were downloaded to'
    )
  if (!settings.plan)
    throw new HydrateError(
      "report mode needs the plan input (the plan job's matrix output): a shard report may hold only the targets the plan gave it"
    )
  const plan = parseMatrix(settings.plan, 'the plan input')
  const reports = fs.existsSync(settings.reports) ? readShardReports([settings.reports]) : undefined
  // The event decides the path, never the reports: shard jobs run the PR's content.
  const pullRequest = PULL_REQUEST_EVENTS.includes(settings.eventName)
  if (reports && reports.kind !== (pullRequest ? 'diff' : 'push'))
    throw new ShardReportError(
      pullRequest
        ? `a ${settings.eventName} run's report job accepts only diff reports, and ${settings.reports} holds push reports: nothing is promoted, no status is set from a pull request`
        : `a ${settings.eventName} run's report job accepts only push reports, and ${settings.reports} holds diff reports`
    )
  const completeness = checkShards(reports?.parts ?? [], {
    fingerprint: plan.include[0]?.fingerprint ?? '',
    count: plan.include.length
  })
  logger.info(
    `${reports?.parts.length ?? 0} of ${completeness.count} shard reports in ${settings.reports}`
  )
  if (reports?.kind === 'diff' && completeness.missing.length === 0)
    checkDiffClaims(reports.parts, plan)
  if (reports?.kind === 'push') checkPushClaims(reports.parts, plan)
  if (pullRequest) await reportDiff(reports, completeness, settings, logger, output)
  else await reportPush(reports, completeness, settings, logger, output)
}

async function reportDiff(
  reports: ShardReports | undefined,
  completeness: ShardCompleteness,
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const parts = reports?.kind === 'diff' ? reports.parts : []
  const event = readEvent(settings)
  const prNumber = event.pull_request?.number ?? event.number
  if (completeness.missing.length === 0) {
    const { report, timings } = mergeDiffReports(parts)
    await publishDiffReport(report, timings, settings, logger, output, prNumber)
    output.set('findings', JSON.stringify(report.findings))
    enforceVerdict(diffVerdict(report, settings.failOn), logger)
    return
  }
  // Never a comment that looks complete: it says which shards are missing, and shows none
  // of the others' diff (a partial table would read as "nothing else changes").
  const error = new IncompleteShardsError(completeness.missing, completeness.count)
  const notice = [
    '### Rendered diff incomplete',
    '',
    `Shard${completeness.missing.length === 1 ? '' : 's'} ${completeness.missing.map(id => `\`${id}\``).join(', ')} of ${completeness.count} sent no report (the job failed or was cancelled), so this pull request's rendered diff is not shown. Re-run the failed jobs of the workflow.`
  ].join('\n')
  const marker = commentMarker(settings.commentId)
  if (settings.stepSummary) {
    core.summary.addRaw(notice, true)
    if (parts.length > 0) {
      const { report } = mergeDiffReports(parts)
      core.summary.addRaw(
        `\nThe shards that reported: ${parts.map(p => escapeText(p.stamp.id)).join(', ')}, ${report.targets.length} targets.`,
        true
      )
    }
    await output.summary()
  }
  if (settings.comment && prNumber && settings.repository)
    await postStickyComment(settings, prNumber, marker, `${marker}\n${notice}\n`, logger)
  throw error
}

async function reportPush(
  reports: ShardReports | undefined,
  completeness: ShardCompleteness,
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  // Promotion waits for every shard: a PR or status from part of the branches would mislead.
  if (completeness.missing.length > 0)
    throw new IncompleteShardsError(completeness.missing, completeness.count)
  const parts = reports?.kind === 'push' ? reports.parts : []
  const merged = mergePushReports(parts)
  const moved = merged.branches.filter(b => b.status === 'created' || b.status === 'updated')
  output.set('changed', String(moved.length > 0))
  output.set('changed-targets', JSON.stringify(moved.flatMap(b => b.changedTargets)))
  output.set(
    'commits',
    JSON.stringify(
      Object.fromEntries(
        merged.branches.filter(b => b.commit).map(b => [b.branch, b.commit as string])
      )
    )
  )
  const dir = settings.reportDirectory
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'hydrate-push.json')
  output.file(file, `${JSON.stringify(merged, null, 2)}\n`, 'the merged push report')
  output.set('report-json', file)
  for (const branch of merged.branches)
    logger.info(
      `${branch.branch}: ${branch.status}${branch.commit ? ` ${branch.commit}` : ''}${branch.changedTargets.length ? ` (${branch.changedTargets.join(', ')})` : ''}`
    )

  const promoted = await promotionFromBranches({
    repoRoot: settings.workingDirectory,
    configFile: settings.config,
    logger,
    repoURL: settings.repoURL,
    remote: branchRemote(settings),
    auth: remoteAuth(settings),
    updates: merged.environments
  })
  if (promoted && promoted.dry.sha !== merged.drySha)
    throw new HydrateError(
      `the shards hydrated ${merged.drySha.slice(0, 7)} but this job checked out ${promoted.dry.sha.slice(0, 7)}: promotion is decided for the commit the shards hydrated`
    )
  const promotions = promoted
    ? await promote(promoted.promotion, promoted.dry, settings, logger, output)
    : undefined
  if (promotions) output.set('promotions', JSON.stringify(promotions))

  if (!settings.stepSummary) return
  const code = (text: string) => `<code>${escapeText(text)}</code>`
  core.summary
    .addHeading('Hydrated environment branches', 2)
    .addRaw(
      `From dry commit ${code(merged.drySha.slice(0, 7))}, in ${completeness.count} shard${completeness.count === 1 ? '' : 's'}.`,
      true
    )
    .addTable([
      [
        { data: 'Branch', header: true },
        { data: 'Changed targets', header: true },
        { data: 'Status', header: true },
        { data: 'Commit', header: true }
      ],
      ...merged.branches.map(b => [
        code(b.branch),
        b.changedTargets.map(escapeText).join(', '),
        escapeText(b.status === 'skipped' ? `skipped: ${b.reason ?? ''}` : b.status),
        b.commit ? code(b.commit.slice(0, 7)) : ''
      ])
    ])
  if (promoted)
    core.summary.addHeading('Promotion', 3).addList(
      promoted.promotion.environments.map(e => {
        const published = promotions?.[e.env]
        return `${escapeText(e.env)}: ${escapeText(
          published ? JSON.stringify(published) : e.outcome.kind
        )}`
      })
    )
  await output.summary()
}
