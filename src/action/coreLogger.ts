import * as core from '@actions/core'
import type { Logger } from '../logger.js'

/**
 * A line that starts with `::` is a workflow command to the runner. core.info writes its
 * text as it is, and that text can hold names from the repository: break any such start.
 */
export function neutralizeCommands(message: string): string {
  return message.replace(/^(\s*):(?=:)/gm, '$1:\u200b')
}

/** The engine's Logger backed by @actions/core (annotations, groups). */
export class CoreLogger implements Logger {
  debug(message: string): void {
    core.debug(message)
  }
  info(message: string): void {
    core.info(neutralizeCommands(message))
  }
  warning(message: string): void {
    core.warning(message)
  }
  error(message: string): void {
    core.error(message)
  }
  group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return core.group(name, fn)
  }
}
