import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { hydrateRepository, planRepository } from '../engine.js'
import { formatShardId, parseMatrix, serializeMatrix } from '../shard/plan.js'
import { pushShardReport, renderPushShardReport } from '../shard/pushReport.js'
import { shardScope } from '../shard/scope.js'
import {
  AggregateRenderError,
  getErrorMessage,
  HydrateError,
  ManifestError,
  RenderError,
  UsageError
} from '../errors.js'
import { loadConfig } from '../engine/loadConfig.js'
import { counted } from '../plural.js'
import { octokitPromotionGitHub } from '../github/promotionGitHub.js'
import { publishRenderFailures } from '../github/promotions.js'
import type { Logger } from '../logger.js'
import { CredentialGuard, credentialsFromEnvironment } from '../security/credentials.js'
import { persistedCredentials } from '../git/persistedCredentials.js'
import { GuardedLogger } from '../security/guardedLogger.js'
import { signingKeyCredentials } from '../security/signingKey.js'
import { imagesJson } from '../images/listing.js'
import { CoreLogger } from './coreLogger.js'
import { runComment } from './commentMode.js'
import { runDiff } from './diffMode.js'
import { branchRemote, promote } from './promote.js'
import { runReport } from './reportMode.js'
import { runVerify } from './verifyMode.js'
import { GuardedOutput } from './guardedOutput.js'
import { writeHydrateSummary } from './summary.js'
import { getSettings, remoteAuth, resolveMode, type ActionSettings } from './settings.js'

/** The action front: inputs → engine → outputs. The one place errors are reported. */
export async function runAction(): Promise<void> {
  const env = process.env
  let guard = new CredentialGuard(credentialsFromEnvironment(env))
  try {
    const settings = getSettings(env)
    guard = new CredentialGuard([
      ...credentialsFromEnvironment(env),
      ...(await persistedCredentials(settings.workingDirectory)),
      ...(settings.signingKey ? signingKeyCredentials(settings.signingKey) : [])
    ])
    const mode = resolveMode(settings)
    const logger = new GuardedLogger(new CoreLogger(), guard)
    const output = new GuardedOutput(guard)
    logger.info(`hydrate-action: ${mode} mode (event ${settings.eventName || 'unknown'})`)
    if ((mode === 'hydrate' || mode === 'diff') && settings.plan && !settings.shard)
      throw new UsageError(
        'input plan without shard: a matrix job passes both (shard: ${{ matrix.shard }})'
      )
    if (mode === 'hydrate') await runHydrate(settings, logger, output)
    else if (mode === 'comment') await runComment(settings, logger, output)
    else if (mode === 'plan') await runPlan(settings, logger, output)
    else if (mode === 'report') await runReport(settings, logger, output)
    else if (mode === 'verify') await runVerify(settings, logger, output, branchRemote(settings))
    else await runDiff(settings, logger, output)
    if (guard.leak)
      core.setFailed(
        `a credential of this run reached the log (${guard.leak}); it was redacted there, and the run fails closed`
      )
  } catch (error) {
    core.setFailed(guard.redact(getErrorMessage(error), 'the error message'))
  }
}

/** Plan mode: the shard matrix (docs/adr/0019) as the `matrix` output. */
async function runPlan(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  if (settings.shards === undefined)
    throw new HydrateError('plan mode needs the shards input (how many matrix jobs)')
  const plan = await planRepository({
    repoRoot: settings.workingDirectory,
    configFile: settings.config,
    targetFilter: settings.targets,
    logger,
    repoURL: settings.repoURL,
    shards: settings.shards,
    remote: branchRemote(settings),
    auth: remoteAuth(settings)
  })
  output.set('matrix', serializeMatrix(plan.matrix))
  for (const entry of plan.matrix.include)
    logger.info(
      `shard ${entry.shard}: ${counted(entry.targets, 'target')} on ${entry.branches.join(', ') || 'no branch'}${entry.retired.length ? `; prunes ${entry.retired.join(', ')}` : ''} (weight ${entry.weight}${plan.basis === 'render time' ? ' ms' : ''})`
    )
}

async function runHydrate(
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const remote = branchRemote(settings)
  const shard =
    settings.shard !== undefined && settings.plan !== undefined
      ? shardScope(parseMatrix(settings.plan, 'the plan input'), settings.shard, 'input shard')
      : undefined
  const result = await hydrateRepository({
    shard,
    repoRoot: settings.workingDirectory,
    configFile: settings.config,
    targetFilter: settings.targets,
    concurrency: settings.concurrency,
    logger,
    repoURL: settings.repoURL,
    remote,
    dryRun: !settings.push,
    committer: settings.committer,
    failOn: settings.failOn,
    full: settings.full,
    guard: output.guard,
    auth: remoteAuth(settings),
    signingKey: settings.signingKey
      ? { text: settings.signingKey, tempDir: settings.runnerTemp }
      : undefined,
    provenance: settings.provenanceRun,
    images: 'all'
  }).catch(async (error: unknown) => {
    await reportRenderFailures(error, settings, logger, output)
    throw error
  })
  const branches = result.write.branches
  const changedTargets = branches.flatMap(b =>
    b.status === 'created' || b.status === 'updated' ? b.changedTargets : []
  )
  const commits = Object.fromEntries(
    branches.filter(b => b.commit).map(b => [b.branch, b.commit as string])
  )
  output.set(
    'changed',
    String(branches.some(b => b.status === 'created' || b.status === 'updated'))
  )
  output.set('changed-targets', JSON.stringify(changedTargets))
  output.set('commits', JSON.stringify(commits))
  if (result.images?.images)
    output.set('images', imagesJson({ images: result.images.images, unread: [] }).trim())
  if (result.provenance && result.provenance.subject.length > 0) {
    const file = path.join(
      settings.runnerTemp ?? settings.workingDirectory,
      'hydrate-provenance.intoto.json'
    )
    const { subject, predicate } = result.provenance
    output.file(file, `${JSON.stringify(result.provenance, null, 2)}\n`, 'the provenance statement')
    // The two halves actions/attest takes: the predicate, and the subjects as sha256sum lines.
    const predicateFile = file.replace(/\.intoto\.json$/, '.predicate.json')
    const checksumsFile = file.replace(/\.intoto\.json$/, '.checksums.txt')
    output.file(
      predicateFile,
      `${JSON.stringify(predicate, null, 2)}\n`,
      'the provenance predicate'
    )
    output.file(
      checksumsFile,
      subject.map(s => `${s.digest.sha256}  ${s.name}\n`).join(''),
      'the provenance checksums'
    )
    output.set('provenance', file)
    output.set('provenance-predicate', predicateFile)
    output.set('provenance-checksums', checksumsFile)
  }
  for (const branch of branches) {
    logger.info(
      `${branch.branch}: ${branch.status}${branch.commit ? ` ${branch.commit}` : ''}${branch.changedTargets.length ? ` (${branch.changedTargets.join(', ')})` : ''}`
    )
    for (const { path, target } of branch.pruned)
      logger.info(`${branch.branch}: pruned ${path} (target ${target} removed)`)
  }
  for (const rendered of result.render.rendered.filter(r => r.warnings.length > 0))
    logger.info(
      `${rendered.target.name}: ${counted(rendered.warnings.length, 'tool warning')} (shown in debug logging)`
    )
  if (shard?.fingerprint) {
    // The report job merges the shards' reports and does the promotion PRs and statuses once.
    const dir = settings.reportDirectory
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, `push-shard-${shard.id.index}-of-${shard.id.count}.json`)
    const report = pushShardReport(result.write, result.render.dry.sha, {
      id: formatShardId(shard.id),
      fingerprint: shard.fingerprint
    })
    output.file(file, renderPushShardReport(report), 'the shard push report')
    output.set('report-json', file)
  }
  const promotions = await promote(result.promotion, result.render.dry, settings, logger, output)
  if (promotions) output.set('promotions', JSON.stringify(promotions))
  await writeHydrateSummary(result, settings, output, promotions)
}

/** Targets named by a render failure (one, or several reported together). */
function failedTargets(error: unknown): string[] {
  const errors = error instanceof AggregateRenderError ? error.errors : [error]
  return errors.flatMap(e =>
    e instanceof RenderError || e instanceof ManifestError ? [e.target] : []
  )
}

/** With `promotion:`, a render failure fails the `hydrate/<env>` status of its environments. */
async function reportRenderFailures(
  error: unknown,
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<void> {
  const failed = failedTargets(error)
  const sha = settings.sha
  const [owner, repo] = (settings.repository ?? '').split('/')
  if (failed.length === 0 || !sha || !owner || !repo || !settings.token) return
  let config
  try {
    config = loadConfig(settings.workingDirectory, { configFile: settings.config })
  } catch {
    return // the error being reported says what is wrong
  }
  if (!config.promotion) return
  const failedByEnv = new Map<string, string[]>()
  for (const target of config.allTargets.filter(t => failed.includes(t.name)))
    failedByEnv.set(target.env, [...(failedByEnv.get(target.env) ?? []), target.name])
  const octokit = getOctokit(settings.token, {
    baseUrl: settings.apiUrl
  })
  const runId = settings.runId
  await publishRenderFailures(new Map([...failedByEnv].sort(([a], [b]) => a.localeCompare(b))), {
    github: octokitPromotionGitHub(octokit, logger),
    logger,
    dry: { owner, repo },
    sha,
    targetUrl: runId ? `${settings.serverUrl}/${owner}/${repo}/actions/runs/${runId}` : undefined,
    check: (text, what) => output.guard.check(text, what)
  })
}
