import type { EngineOptions } from '../engine.js'
import type { CredentialGuard } from '../security/credentials.js'

/** What every command gets: engine options, the run's guard, where to print. */
export interface CommandContext {
  engine: EngineOptions
  guard: CredentialGuard
  stdout: NodeJS.WritableStream
}
