import { credentialsInExtraHeaders, type Credential } from '../security/credentials.js'
import { GitCommandManager } from './commandManager.js'

/** What the repository's git config persists (actions/checkout's extraheader), as credentials. */
export async function persistedCredentials(repoDir: string): Promise<Credential[]> {
  const listing = await new GitCommandManager(repoDir).exec(
    ['config', '--get-regexp', '^http\\..*\\.extraheader$'],
    { allowFailure: true }
  )
  return credentialsInExtraHeaders(listing.stdout)
}
