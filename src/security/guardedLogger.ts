import type { Logger } from '../logger.js'
import type { CredentialGuard } from './credentials.js'
import { neutralizeWorkflowCommands } from './workflowCommands.js'

/**
 * A logger whose every line passes the credential guard first (redacted, and remembered);
 * under GitHub Actions (`underActions`) also with workflow commands broken, since the runner
 * parses the CLI's output as it parses the action's.
 */
export class GuardedLogger implements Logger {
  private readonly clean: (message: string) => string
  constructor(
    private readonly inner: Logger,
    guard: CredentialGuard,
    options: { underActions?: boolean } = {}
  ) {
    this.clean = options.underActions
      ? message => neutralizeWorkflowCommands(guard.redact(message, 'a log line'))
      : message => guard.redact(message, 'a log line')
  }
  debug(message: string): void {
    this.inner.debug(this.clean(message))
  }
  info(message: string): void {
    this.inner.info(this.clean(message))
  }
  warning(message: string): void {
    this.inner.warning(this.clean(message))
  }
  error(message: string): void {
    this.inner.error(this.clean(message))
  }
  group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.group(this.clean(name), fn)
  }
}
