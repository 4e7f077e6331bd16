import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { diffRepository, diffVerdict, enforceVerdict } from '../engine.js'
import { isChange } from '../diff/types.js'
import { HydrateError } from '../errors.js'
import { commentMarker } from '../github/stickyComment.js'
import type { DiffReport } from '../diff/types.js'
import { renderCommentParts } from '../report/commentParts.js'
import { renderJson } from '../report/json.js'
import { renderShardDiff, type DiffTimings } from '../shard/diffReport.js'
import { formatShardId, parseMatrix } from '../shard/plan.js'
import { shardScope } from '../shard/scope.js'
import {
  COMMENT_LIMIT,
  renderMarkdown,
  renderMarkdownWithin,
  SUMMARY_LIMIT,
  type ReportLinks
} from '../report/markdown.js'
import type { Logger } from '../logger.js'
import { postStickyComment } from './commentMode.js'
import { promotionOrder } from '../config/promotion.js'
import type { GuardedOutput } from './guardedOutput.js'
import type { ActionSettings } from './settings.js'

interface PullRequestEvent {
  number?: number
  pull_request?: { number: number; base: { sha: string; ref: string }; head: { sha: string } }
}

export function readEvent(settings: Pick<ActionSettings, 'eventPath'>): PullRequestEvent {
  const file = settings.eventPath
  if (!file || !fs.existsSync(file)) return {}
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PullRequestEvent
}

/** Links the report gives: commits, the environment branches, this run. */
export function reportLinks(
  settings: Pick<ActionSettings, 'serverUrl' | 'repository' | 'targetRepository' | 'runId'>
): ReportLinks {
  const url = (repository: string | undefined) =>
    repository ? `${settings.serverUrl}/${repository}` : undefined
  const runId = settings.runId
  return {
    repositoryUrl: url(settings.repository),
    branchesUrl: url(settings.targetRepository ?? settings.repository),
    runUrl:
      settings.repository && runId && /^\d+$/.test(runId)
        ? `${url(settings.repository)}/actions/runs/${runId}`
        : undefined
  }
}

/** PR mode: render base and head, write the reports, post the sticky comment and the summary. */
export async function runDiff(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const event = readEvent(settings)
  const pr = event.pull_request
  const base = settings.base ?? pr?.base.sha
  if (!base)
    throw new HydrateError(
      'diff mode needs a pull_request event (or the base input) to know what to compare with'
    )
  const shard =
    settings.shard !== undefined && settings.plan !== undefined
      ? shardScope(parseMatrix(settings.plan, 'the plan input'), settings.shard, 'input shard')
      : undefined
  const result = await diffRepository({
    repoRoot: settings.workingDirectory,
    configFile: settings.config,
    targetFilter: settings.targets,
    concurrency: settings.concurrency,
    logger,
    base,
    baseBranch: settings.base ? undefined : pr?.base.ref,
    full: settings.full,
    shard
  })
  const { report, timings } = result
  if (shard?.fingerprint) {
    // A shard posts nothing: the report job merges every shard's report and posts once.
    const file = path.join(
      reportDir(settings),
      `rendered-diff-shard-${shard.id.index}-of-${shard.id.count}.json`
    )
    output.file(
      file,
      renderShardDiff(result, { id: formatShardId(shard.id), fingerprint: shard.fingerprint }),
      'the shard report'
    )
    output.set('report-json', file)
    setChangeOutputs(report, output)
  } else {
    await publishDiffReport(
      report,
      timings,
      settings,
      logger,
      output,
      pr?.number ?? event.number,
      promotionOrder(result.head.config)
    )
  }
  output.set('findings', JSON.stringify(report.findings))
  enforceVerdict(diffVerdict(report, settings.failOn), logger)
}

function reportDir(settings: ActionSettings): string {
  const dir = settings.reportDirectory
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

function setChangeOutputs(report: DiffReport, output: GuardedOutput): void {
  // Ignored-only changes are not changes (docs/rendered-diff.md); the report names them.
  const changed = report.targets.filter(t => isChange(t.status))
  output.set('changed', String(changed.length > 0))
  output.set('changed-targets', JSON.stringify([...new Set(changed.map(t => t.name))]))
}

/**
 * A finished diff report out of the run: the report files, the outputs, the job summary and
 * the sticky comment. Diff mode and report mode (the merged shard reports) both end here.
 */
export async function publishDiffReport(
  report: DiffReport,
  timings: DiffTimings | undefined,
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput,
  prNumber: number | undefined,
  /** With `promotion.order`, environments are listed in that order. */
  environmentOrder?: readonly string[]
): Promise<void> {
  const dir = reportDir(settings)
  const markdownFile = path.join(dir, 'rendered-diff.md')
  const jsonFile = path.join(dir, 'rendered-diff.json')
  const links = reportLinks(settings)
  const common = {
    links,
    timings,
    failOn: settings.failOn,
    environmentOrder
  }
  output.file(markdownFile, renderMarkdown(report, common), 'the markdown report')
  output.file(jsonFile, renderJson(report), 'the JSON report')
  setChangeOutputs(report, output)
  output.set('report-markdown', markdownFile)
  output.set('report-json', jsonFile)

  const hint = `The full report is in the job summary and in the \`report-markdown\` output file (${path.basename(markdownFile)}) for artifact upload.`
  // The comment body, within GitHub's limit, also as a file: the fork-safe two-workflow
  // pattern posts it from a workflow_run job.
  const marker = commentMarker(settings.commentId)
  const body = renderMarkdownWithin(report, COMMENT_LIMIT - marker.length - 1, {
    ...common,
    marker,
    fullReportHint: hint
  })
  const commentFile = path.join(dir, 'rendered-diff-comment.md')
  output.file(commentFile, body.text, 'the comment')
  output.set('report-comment', commentFile)
  // Posted first: when it cannot be (a fork's read-only token), the summary stands alone.
  let posted = false
  try {
    if (settings.comment && prNumber && settings.repository) {
      const parts = renderCommentParts(report, { ...common, marker, fullReportHint: hint })
      const outcome = await postStickyComment(settings, prNumber, marker, parts, logger)
      posted = outcome.action !== 'skipped'
    }
  } finally {
    if (settings.stepSummary) {
      // Next to the comment: every finding and every full diff, not a second copy of it.
      const summary = renderMarkdownWithin(report, SUMMARY_LIMIT - 1024, {
        ...common,
        purpose: 'summary',
        withOverview: !posted,
        fullReportHint: `The full report is in the \`report-markdown\` output file (${path.basename(markdownFile)}).`
      })
      core.summary.addRaw(summary.text, true)
      await output.summary()
    }
  }
}
