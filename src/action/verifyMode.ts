import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { verifyRepository } from '../engine.js'
import { getErrorMessage, HydrateError } from '../errors.js'
import type { Logger } from '../logger.js'
import { branchVerdict, drifted, verifyJson, verifyMarkdown } from '../verify/output.js'
import { branchDrifted, type VerifyReport } from '../verify/types.js'
import type { GuardedOutput } from './guardedOutput.js'
import type { ActionSettings } from './settings.js'

export const VERIFY_CONTEXT = 'hydrate/verify'

/**
 * Verify mode (a `schedule:` or `workflow_dispatch:` workflow): every environment branch
 * checked against a re-render of what it records; a `hydrate/verify` commit status on each
 * branch head, the reports as files and the job summary. Drift fails the step.
 */
export async function runVerify(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput,
  remote: string
): Promise<void> {
  const toolsFrom = core.getInput('tools-from') === 'path' ? 'path' : 'recorded'
  const report = await verifyRepository({
    repoRoot: settings.workingDirectory,
    configFile: settings.config,
    concurrency: settings.concurrency,
    logger,
    repoURL: settings.repoURL,
    remote,
    toolsFrom,
    auth: settings.token ? { token: settings.token, serverUrl: settings.serverUrl } : undefined
  })
  const dir = path.join(process.env.RUNNER_TEMP ?? settings.workingDirectory, 'hydrate-verify')
  fs.mkdirSync(dir, { recursive: true })
  const markdown = verifyMarkdown(report)
  output.file(path.join(dir, 'verify.json'), verifyJson(report), 'the verify report')
  output.file(path.join(dir, 'verify.md'), markdown, 'the verify summary')
  output.set('report-json', path.join(dir, 'verify.json'))
  output.set('report-markdown', path.join(dir, 'verify.md'))
  output.set('drift', String(drifted(report)))
  for (const branch of report.branches)
    logger.info(`${branch.branch}: ${branchVerdict(report, branch.branch)}`)
  if (process.env.GITHUB_STEP_SUMMARY) {
    core.summary.addRaw(markdown)
    await output.summary()
  }
  await setStatuses(report, settings, logger, output)
  if (drifted(report))
    throw new HydrateError(
      `drift on ${report.branches
        .filter(b => branchDrifted(b, report.toolsFrom))
        .map(b => b.branch)
        .join(', ')}: see the job summary`
    )
}

/** `hydrate/verify` on each branch head: success or failure, the verdict, a link to the run. */
async function setStatuses(
  report: VerifyReport,
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const [owner, repo] = (settings.targetRepository ?? settings.repository ?? '').split('/')
  if (!settings.token || !owner || !repo) {
    logger.warning('verify: no token or repository to set the hydrate/verify statuses with')
    return
  }
  const octokit = getOctokit(settings.token, {
    baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com'
  })
  const [runOwner, runRepo] = (settings.repository ?? '').split('/')
  const runId = process.env.GITHUB_RUN_ID
  const targetUrl =
    runId && runOwner && runRepo
      ? `${settings.serverUrl}/${runOwner}/${runRepo}/actions/runs/${runId}`
      : undefined
  for (const branch of report.branches) {
    if (!branch.head) continue
    const description = output.guard.check(
      branchVerdict(report, branch.branch),
      'the status description'
    )
    try {
      await octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: branch.head,
        context: VERIFY_CONTEXT,
        state: branchDrifted(branch, report.toolsFrom) ? 'failure' : 'success',
        // GitHub keeps 140 characters of a description.
        description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
        ...(targetUrl ? { target_url: targetUrl } : {})
      })
    } catch (error) {
      logger.warning(
        `${branch.branch}: cannot set ${VERIFY_CONTEXT} (${getErrorMessage(error)}); give the workflow statuses: write`
      )
    }
  }
}
