import * as core from '@actions/core'
import type { Logger } from '../logger.js'
import { neutralizeWorkflowCommands } from '../security/workflowCommands.js'

/**
 * The engine's Logger backed by @actions/core (annotations, groups). Every text may hold
 * names from the repository, so none reaches the runner able to start a workflow command.
 */
export class CoreLogger implements Logger {
  debug(message: string): void {
    core.debug(neutralizeWorkflowCommands(message))
  }
  info(message: string): void {
    core.info(neutralizeWorkflowCommands(message))
  }
  warning(message: string): void {
    core.warning(neutralizeWorkflowCommands(message))
  }
  error(message: string): void {
    core.error(neutralizeWorkflowCommands(message))
  }
  group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return core.group(neutralizeWorkflowCommands(name), fn)
  }
}
