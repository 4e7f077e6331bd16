import type { Logger } from '../logger.js'
import type { CredentialGuard } from './credentials.js'

/** A logger whose every line passes the credential guard first (redacted, and remembered). */
export class GuardedLogger implements Logger {
  constructor(
    private readonly inner: Logger,
    private readonly guard: CredentialGuard
  ) {}
  debug(message: string): void {
    this.inner.debug(this.guard.redact(message, 'a log line'))
  }
  info(message: string): void {
    this.inner.info(this.guard.redact(message, 'a log line'))
  }
  warning(message: string): void {
    this.inner.warning(this.guard.redact(message, 'a log line'))
  }
  error(message: string): void {
    this.inner.error(this.guard.redact(message, 'a log line'))
  }
  group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.group(this.guard.redact(name, 'a log line'), fn)
  }
}
