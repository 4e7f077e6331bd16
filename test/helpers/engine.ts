import { expect } from '@jest/globals'
import { loadConfig } from '../../src/engine/loadConfig.js'
import { hydrateRepository, type HydrateOptions } from '../../src/engine.js'
import { ConfigError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/logger.js'
import { toolEnv } from './tools.js'

/** The committer of the hydrated commits in tests. */
export const TEST_COMMITTER = { name: 'hydrate-bot', email: 'bot@example.com' }

/** `hydrate push` through the engine with the test toolchain, a quiet logger, fast retries. */
export function hydrateForTest(dry: string, extra: Partial<HydrateOptions> = {}) {
  return hydrateRepository({
    repoRoot: dry,
    logger: new MemoryLogger(),
    env: toolEnv(),
    committer: TEST_COMMITTER,
    backoffMs: 10,
    ...extra
  })
}

/** Loads a repository's config and returns the ConfigError it raises. */
export function configErrorOf(repo: string): ConfigError {
  try {
    loadConfig(repo)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}
