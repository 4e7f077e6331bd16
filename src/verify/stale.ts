import type { HydrateConfig } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { Ancestry } from '../git/objects.js'
import type { RecordedDry } from '../hydrate/remoteState.js'
import type { HydrateState } from '../hydrate/state.js'
import { affectedTargets, changedFiles } from '../targets/affected.js'
import type { DependencyIndex } from '../targets/dependencyIndex.js'
import type { Finding } from './types.js'

/**
 * Paths the dry branch moved past: a commit since the one a path is known to match changed
 * something its target reads (or removed the target), and no hydration followed. Only a
 * file that names the target counts: an unpinned chart, always rendered, is no evidence.
 */
export class StaleCheck {
  private readonly changed = new Map<string, Promise<string[] | undefined>>()

  constructor(
    private readonly options: {
      git: GitCommandManager
      ancestry: Ancestry
      /** The dry commit checked out, and its config. */
      head: string
      config: HydrateConfig
      index: DependencyIndex
    }
  ) {}

  async findings(
    branch: string,
    state: HydrateState,
    record: RecordedDry | undefined
  ): Promise<Finding[]> {
    const { config, index, head } = this.options
    const findings: Finding[] = []
    for (const [dir, owned] of Object.entries(state.paths)) {
      // A note newer than the state: that run proved every path of the branch matched it.
      const since = record?.noted && record.noted !== state.drySha ? record.noted : owned.drySha
      if (since === head) continue
      const changed = await this.changedSince(since)
      if (!changed) continue
      const target = config.allTargets.find(t => t.name === owned.target)
      if (!target || target.branch !== branch || target.path !== dir) {
        findings.push({
          state: 'stale',
          path: dir,
          target: owned.target,
          detail: `target ${owned.target} no longer writes this path since ${since.slice(0, 7)}; a push would prune or move it`,
          since: await this.firstCommit(since, config.file ? [config.file] : [])
        })
        continue
      }
      // Affected whatever changed (an unpinned chart): no evidence that it is behind.
      if (affectedTargets(config, [target], [], { index }).reasons.has(target.name)) continue
      const hits = changed.filter(file =>
        affectedTargets(config, [target], [file], { index }).reasons.has(target.name)
      )
      if (hits.length === 0) continue
      const first = await this.firstCommit(since, hits)
      findings.push({
        state: 'stale',
        path: dir,
        target: target.name,
        detail: `the dry branch changed ${hits.slice(0, 3).join(', ')}${hits.length > 3 ? ` and ${hits.length - 3} more` : ''} since ${since.slice(0, 7)} and no hydration followed${first ? ` (behind since ${first.sha.slice(0, 7)}, ${first.date})` : ''}`,
        ...(first ? { since: first } : {})
      })
    }
    return findings
  }

  /** Files changed from `since` to the head, when `since` is an ancestor of it (else unknown). */
  private changedSince(since: string): Promise<string[] | undefined> {
    let pending = this.changed.get(since)
    if (!pending) {
      const { git, ancestry, head } = this.options
      pending = ancestry
        .isAncestor(since, head)
        .then(async ancestor => (ancestor ? changedFiles(git, since, head) : undefined))
        .catch(() => undefined)
      this.changed.set(since, pending)
    }
    return pending
  }

  /** The oldest commit after `since` up to the head that touches `files`. */
  private async firstCommit(
    since: string,
    files: readonly string[]
  ): Promise<{ sha: string; date: string } | undefined> {
    const log = await this.options.git.exec(
      [
        'log',
        '--reverse',
        '--format=%H %cI',
        `${since}..${this.options.head}`,
        '--',
        ...files.map(file => `:(literal)${file}`)
      ],
      { allowFailure: true }
    )
    const [sha, date] = (log.stdout.split('\n')[0] ?? '').split(' ')
    return sha && date ? { sha, date } : undefined
  }
}
