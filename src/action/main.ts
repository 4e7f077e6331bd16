import * as core from '@actions/core'
import { assertRendered, renderRepository } from '../engine.js'
import { getErrorMessage } from '../errors.js'
import { CoreLogger } from './coreLogger.js'
import { getSettings } from './settings.js'

/** The action front: inputs → engine → outputs. The one place errors are reported. */
export async function runAction(): Promise<void> {
  try {
    const settings = getSettings()
    const logger = new CoreLogger()
    const result = await logger.group('Render', () =>
      renderRepository({
        repoRoot: settings.workingDirectory,
        configFile: settings.config,
        targetFilter: settings.targets,
        concurrency: settings.concurrency,
        logger,
        repoURL: settings.repoURL
      })
    )
    assertRendered(result)
    core.setOutput('changed-targets', JSON.stringify(result.rendered.map(r => r.target.name)))
  } catch (error) {
    core.setFailed(getErrorMessage(error))
  }
}
