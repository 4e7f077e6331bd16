import { parseCatFileBatch, parseCatFileBatchBytes } from './gitObjects.js'
import type { Logger } from '../logger.js'
import type { GitCommandManager } from './commandManager.js'

/** Contents of blobs by id, in one `git cat-file --batch`. */
export async function readBlobs(
  git: GitCommandManager,
  ids: readonly string[]
): Promise<Map<string, string | undefined>> {
  return readBatch(git, ids, parseCatFileBatch)
}

/** readBlobs, as the bytes git stored (for digests of exact content). */
export async function readBlobBytes(
  git: GitCommandManager,
  ids: readonly string[]
): Promise<Map<string, Buffer | undefined>> {
  return readBatch(git, ids, parseCatFileBatchBytes)
}

async function readBatch<T>(
  git: GitCommandManager,
  ids: readonly string[],
  parse: (output: Buffer, requests: string[]) => Map<string, T | undefined>
): Promise<Map<string, T | undefined>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const batch = await git.exec(['cat-file', '--batch'], {
    input: unique.map(id => `${id}\n`).join('')
  })
  return parse(batch.stdoutBuffer, unique)
}

/**
 * `merge-base --is-ancestor`, memoized (branches usually record one drySha), fetching a
 * recorded commit that a shallow clone does not have before giving up.
 */
export class Ancestry {
  private readonly answers = new Map<string, Promise<boolean>>()

  constructor(
    private readonly git: GitCommandManager,
    private readonly logger: Logger,
    /** Remote of the dry repository. */
    private readonly remote = 'origin'
  ) {}

  /** Is `ancestor` an ancestor of `descendant`? Unknown history counts as no (with a warning). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const key = `${ancestor}..${descendant}`
    let answer = this.answers.get(key)
    if (!answer) {
      answer = this.check(ancestor, descendant)
      this.answers.set(key, answer)
    }
    return answer
  }

  private async check(ancestor: string, descendant: string): Promise<boolean> {
    const run = () =>
      this.git.exec(['merge-base', '--is-ancestor', ancestor, descendant], { allowFailure: true })
    let result = await run()
    if (result.exitCode > 1) {
      await this.git.exec(
        [
          'fetch',
          '--no-tags',
          '--no-write-fetch-head',
          '--quiet',
          '--filter=blob:none',
          this.remote,
          descendant
        ],
        { allowFailure: true }
      )
      result = await run()
    }
    if (result.exitCode > 1) {
      this.logger.warning(
        `cannot tell whether ${descendant.slice(0, 7)} is newer than ${ancestor.slice(0, 7)} (history not available); hydrating anyway`
      )
      return false
    }
    return result.exitCode === 0
  }
}
