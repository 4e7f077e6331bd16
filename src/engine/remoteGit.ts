import { GitAuthHelper, type RemoteAuth } from '../git/auth.js'
import { GitCommandManager } from '../git/commandManager.js'
import { checkUserRef } from '../git/revisions.js'
import { resolveRepoRoot } from './render.js'

/** What opens a repository for work against its remote. */
export interface RemoteGitOptions {
  repoRoot: string
  /** Remote name or URL; checked before any git process sees it. */
  remote?: string
  /** Token auth for an HTTPS remote (the action's `token`). */
  auth?: RemoteAuth
}

/**
 * Runs `work` with the repository's root and a git command manager that authenticates to the
 * remote; the credentials are removed afterwards, whatever `work` does.
 */
export async function withRemoteGit<T>(
  options: RemoteGitOptions,
  work: (git: GitCommandManager, repoRoot: string) => Promise<T>
): Promise<T> {
  const repoRoot = await resolveRepoRoot(options.repoRoot)
  if (options.remote !== undefined) checkUserRef(options.remote, 'the remote')
  const auth = options.auth
    ? new GitAuthHelper(options.auth.token, options.auth.serverUrl, options.auth.tempDir)
    : undefined
  try {
    return await work(new GitCommandManager(repoRoot, auth?.configure() ?? {}), repoRoot)
  } finally {
    auth?.remove()
  }
}
