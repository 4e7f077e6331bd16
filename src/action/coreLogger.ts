import * as core from '@actions/core'
import type { Logger } from '../logger.js'

/** The engine's Logger backed by @actions/core (annotations, groups). */
export class CoreLogger implements Logger {
  debug(message: string): void {
    core.debug(message)
  }
  info(message: string): void {
    core.info(message)
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
