import * as core from '@actions/core'
import { hydrateRepository } from '../engine.js'
import { getErrorMessage } from '../errors.js'
import { CoreLogger } from './coreLogger.js'
import { runDiff } from './diffMode.js'
import { writeHydrateSummary } from './summary.js'
import { getSettings, resolveMode, type ActionSettings } from './settings.js'

/** The action front: inputs → engine → outputs. The one place errors are reported. */
export async function runAction(): Promise<void> {
  try {
    const settings = getSettings()
    const mode = resolveMode(settings)
    core.info(`hydrate-action: ${mode} mode (event ${settings.eventName || 'unknown'})`)
    if (mode === 'hydrate') await runHydrate(settings)
    else await runDiff(settings, new CoreLogger())
  } catch (error) {
    core.setFailed(getErrorMessage(error))
  }
}

async function runHydrate(settings: ActionSettings): Promise<void> {
  const logger = new CoreLogger()
  const remote = settings.targetRepository
    ? `${settings.serverUrl}/${settings.targetRepository}.git`
    : 'origin'
  const result = await hydrateRepository({
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
    auth: settings.token ? { token: settings.token, serverUrl: settings.serverUrl } : undefined
  })
  const branches = result.write.branches
  const changedTargets = branches.flatMap(b =>
    b.status === 'created' || b.status === 'updated' ? b.changedTargets : []
  )
  const commits = Object.fromEntries(
    branches.filter(b => b.commit).map(b => [b.branch, b.commit as string])
  )
  core.setOutput(
    'changed',
    String(branches.some(b => b.status === 'created' || b.status === 'updated'))
  )
  core.setOutput('changed-targets', JSON.stringify(changedTargets))
  core.setOutput('commits', JSON.stringify(commits))
  for (const branch of branches) {
    core.info(
      `${branch.branch}: ${branch.status}${branch.commit ? ` ${branch.commit}` : ''}${branch.changedTargets.length ? ` (${branch.changedTargets.join(', ')})` : ''}`
    )
    for (const { path, target } of branch.pruned)
      core.info(`${branch.branch}: pruned ${path} (target ${target} removed)`)
  }
  await writeHydrateSummary(result, settings)
}
