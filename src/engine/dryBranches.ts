import type { DryBranches } from '../config/dryBranches.js'
import type { GitCommandManager } from '../git/commandManager.js'

const HEADS = 'refs/heads/'

/** A ref the user gave (`main`, `origin/main`, `refs/heads/main`) as a branch name; not a SHA. */
export function branchOfRef(ref: string | undefined, remote = 'origin'): string | undefined {
  if (!ref || /^[0-9a-f]{7,64}$/.test(ref)) return undefined
  for (const prefix of [HEADS, `refs/remotes/${remote}/`, `${remote}/`])
    if (ref.startsWith(prefix)) return ref.slice(prefix.length)
  return ref.startsWith('refs/') ? undefined : ref
}

/**
 * The branches the dry source lives on: the remote's default branch (its HEAD), the branch
 * checked out here, and the ones the caller knows (a PR's base). One `ls-remote`; a remote
 * that cannot be asked leaves the others.
 */
export async function dryBranches(
  git: GitCommandManager,
  options: { remote?: string; known?: ReadonlyMap<string, string> }
): Promise<DryBranches> {
  const dry = new Map(options.known ?? [])
  const current = await git
    .output(['symbolic-ref', '--quiet', 'HEAD'])
    .then(ref => ref.trim())
    .catch(() => '')
  if (current.startsWith(HEADS) && !dry.has(current.slice(HEADS.length)))
    dry.set(current.slice(HEADS.length), 'the branch being hydrated')
  if (options.remote) {
    const listing = await git
      .output(['ls-remote', '--symref', options.remote, 'HEAD'])
      .catch(() => '')
    const match = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(listing)
    if (match?.[1] && !dry.has(match[1])) dry.set(match[1], "the repository's default branch")
  }
  return dry
}
