import type { HydrateConfig, Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { dependsOn, type TargetDependencies } from './dependencies.js'
import { DependencyIndex } from './dependencyIndex.js'

export interface AffectedTargets {
  /** Names of targets that must be rendered. */
  affected: Set<string>
  /** Why each affected target is affected (first reason). */
  reasons: Map<string, string>
  /** The run is a full render (config changed, or asked for). */
  full: boolean
}

/** What changed between two trees. */
export interface Changes {
  /** Changed paths (both sides of renames), sorted. */
  files: string[]
  /**
   * Only the content of existing regular files changed: nothing added, removed, renamed,
   * copied, or turned into (or out of) a symlink, and no mode changed. Then every path
   * exists on both sides as the same kind of thing.
   */
  contentOnly: boolean
}

const REGULAR = new Set(['100644', '100755'])

/**
 * Files changed between `from` and `to`. With `to` undefined the working tree is compared,
 * untracked files included (as added).
 */
export async function changes(git: GitCommandManager, from: string, to?: string): Promise<Changes> {
  const args = [
    'diff',
    '--raw',
    '-z',
    '-M',
    '--no-ext-diff',
    '--no-textconv',
    from,
    ...(to ? [to] : [])
  ]
  // `:<old mode> <new mode> <old id> <new id> <status>\0<path>\0[<new path>\0]`
  const fields = (await git.output(args)).split('\0')
  const files = new Set<string>()
  let contentOnly = true
  for (let i = 0; i < fields.length;) {
    const header = fields[i++] as string
    if (!header.startsWith(':')) continue
    const [oldMode = '', newMode = '', , , status = ''] = header.slice(1).split(' ')
    const count = status.startsWith('R') || status.startsWith('C') ? 2 : 1
    for (let j = 0; j < count; j++) files.add(fields[i++] as string)
    if (status !== 'M' || oldMode !== newMode || !REGULAR.has(newMode)) contentOnly = false
  }
  if (!to) {
    for (const file of (await git.output(['ls-files', '-z', '--others', '--exclude-standard']))
      .split('\0')
      .filter(Boolean)) {
      files.add(file)
      contentOnly = false
    }
  }
  return { files: [...files].sort(), contentOnly }
}

/**
 * Files changed between `from` and `to` (both sides of renames). With `to` undefined the
 * working tree is compared, untracked files included.
 */
export async function changedFiles(
  git: GitCommandManager,
  from: string,
  to?: string
): Promise<string[]> {
  return (await changes(git, from, to)).files
}

/**
 * The targets a set of changed files affects, through each target's dependencies. The config
 * file, or `full`, makes every target affected; unresolvable dependencies and remote charts
 * not pinned to a version make a target affected (the index errs toward rendering).
 */
export function affectedTargets(
  config: HydrateConfig,
  targets: readonly Target[],
  changed: readonly string[],
  options: { full?: boolean; index?: DependencyIndex } = {}
): AffectedTargets {
  const reasons = new Map<string, string>()
  const index = options.index ?? new DependencyIndex(config.repoRoot)
  const configChanged = config.file !== undefined && changed.includes(config.file)
  const full = options.full === true || configChanged
  const byName = new Map(config.allTargets.map(t => [t.name, t]))
  for (const target of targets) {
    if (full) {
      reasons.set(target.name, options.full ? 'full render requested' : `${config.file} changed`)
      continue
    }
    // An app-of-apps child is declared by its parent's output: the parent's inputs are its own.
    const all: TargetDependencies[] = [index.of(target)]
    const seen = new Set([target.name])
    for (
      let parent = byName.get(target.appOfApps ?? '');
      parent && !seen.has(parent.name);
      parent = byName.get(parent.appOfApps ?? '')
    ) {
      seen.add(parent.name)
      all.push(index.of(parent))
    }
    const unpinned = all.flatMap(d => d.unpinned)
    if (unpinned.length > 0) {
      reasons.set(target.name, `always rendered: ${unpinned[0]}`)
      continue
    }
    const unresolved = all.flatMap(d => d.unresolved)
    if (unresolved.length > 0) {
      reasons.set(target.name, `cannot resolve ${unresolved[0]}`)
      continue
    }
    const hit = changed.find(file => all.some(deps => dependsOn(deps, file)))
    if (hit) reasons.set(target.name, `${hit} changed`)
  }
  return { affected: new Set(reasons.keys()), reasons, full }
}
