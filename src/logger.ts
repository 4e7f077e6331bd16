/**
 * The engine logs through this interface only, so it runs the same under the action
 * (backed by @actions/core) and the CLI (stderr).
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export class ConsoleLogger implements Logger {
  constructor(
    private readonly verbose = false,
    private readonly stream: NodeJS.WritableStream = process.stderr
  ) {}
  debug(message: string): void {
    if (this.verbose) this.stream.write(`debug: ${message}\n`)
  }
  info(message: string): void {
    this.stream.write(`${message}\n`)
  }
  warning(message: string): void {
    this.stream.write(`warning: ${message}\n`)
  }
  error(message: string): void {
    this.stream.write(`error: ${message}\n`)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.stream.write(`== ${name}\n`)
    return fn()
  }
}

/** Collects messages; used by tests and by callers that want the log as data. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = []
  debug(message: string): void {
    this.lines.push(`debug: ${message}`)
  }
  info(message: string): void {
    this.lines.push(message)
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`)
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`== ${name}`)
    return fn()
  }
}
