import type { GitCommandManager } from '../git/commandManager.js'
import { sameTools, type DifferingPath } from './compare.js'
import type { Finding } from './types.js'

/** Commits that carry a hydrator note: the notes tree's paths, fan-out slashes removed. */
export async function notedCommits(git: GitCommandManager, notesRef: string): Promise<Set<string>> {
  const listing = await git.exec(['ls-tree', '-r', '--name-only', '-z', notesRef, '--'], {
    allowFailure: true
  })
  if (listing.exitCode !== 0) return new Set()
  return new Set(
    listing.stdout
      .split('\0')
      .filter(Boolean)
      .map(name => name.replace(/\//g, ''))
  )
}

/**
 * The newest commit of a branch that a hydration (or a repair) made: the newest one with a
 * hydrator note, within the last `depth` commits. Undefined when the history does not say
 * (a shallow fetch, a branch rewritten by hand).
 */
export async function lastHydration(
  git: GitCommandManager,
  tip: string,
  noted: ReadonlySet<string>,
  depth = 200
): Promise<string | undefined> {
  const list = await git.exec(['rev-list', `-n${depth}`, tip, '--'], { allowFailure: true })
  if (list.exitCode !== 0) return undefined
  return list.stdout
    .split('\n')
    .find(sha => noted.has(sha.trim()))
    ?.trim()
}

/** Who committed to `dir` after `since` on the branch (`Name <email>`, oldest first). */
export async function committersSince(
  git: GitCommandManager,
  since: string,
  tip: string,
  dir: string
): Promise<string[]> {
  const log = await git.exec(
    ['log', '--reverse', '--format=%an <%ae>', `${since}..${tip}`, '--', `${dir}/`],
    { allowFailure: true }
  )
  return log.exitCode === 0 ? [...new Set(log.stdout.split('\n').filter(Boolean))] : []
}

/**
 * Edited or toolchain skew. With the recorded tools on PATH, any difference is an edit. With
 * other tools, a path nobody committed to since the last hydration differs because of the
 * tools alone (skew); one somebody did is an edit (its diff may carry the tools' part too).
 */
export async function classifyDiffering(options: {
  git: GitCommandManager
  tip: string
  noted: ReadonlySet<string>
  differing: readonly DifferingPath[]
}): Promise<Finding[]> {
  const { git, tip, differing } = options
  if (differing.length === 0) return []
  const hydration = await lastHydration(git, tip, options.noted)
  const findings: Finding[] = []
  for (const path of differing) {
    const committers = hydration ? await committersSince(git, hydration, tip, path.ref.path) : []
    const files = path.files.join(', ')
    const base = { path: path.ref.path, target: path.ref.owned.target, diff: path.diff }
    if (sameTools(path.tools.recorded, path.tools.now) || committers.length > 0) {
      findings.push({
        ...base,
        state: 'edited',
        detail: `${files} differ from a re-render at ${path.ref.owned.drySha.slice(0, 7)}${committers.length ? ` (committed by ${committers.join(', ')})` : hydration ? '' : ' (the branch history does not say by whom)'}`,
        ...(committers.length ? { committers } : {})
      })
    } else {
      findings.push({
        ...base,
        state: 'toolchain-skew',
        detail: `${files} differ only because the tools differ: ${toolChange(path.tools)}`,
        tools: path.tools
      })
    }
  }
  return findings
}

/** `helm 3.18.0 → 4.1.4`, for each tool that differs. */
export function toolChange(tools: DifferingPath['tools']): string {
  const names = [...new Set([...Object.keys(tools.recorded), ...Object.keys(tools.now)])].sort()
  return names
    .filter(name => tools.recorded[name] !== tools.now[name])
    .map(name => `${name} ${tools.recorded[name] ?? 'none'} → ${tools.now[name] ?? 'none'}`)
    .join(', ')
}
