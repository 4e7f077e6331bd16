import { dryCommitFrom, goTrimSpace, type DryCommit } from '../argo/dryCommit.js'
import type { GitCommandManager } from './commandManager.js'
import { redactUrl } from './redact.js'

// The dry commit's fields and their parsing are Argo CD's (argo/); this reads them from git.
export {
  dryCommitFrom,
  goTrimSpace,
  type DryCommit,
  type ReferenceCommit
} from '../argo/dryCommit.js'

export async function readDryCommit(
  git: GitCommandManager,
  ref = 'HEAD',
  repoURL?: string
): Promise<DryCommit> {
  // The commit and the remote's URL are read at the same time.
  const [raw, url] = await Promise.all([
    git.output(['show', '-s', '--format=%H%x00%an <%ae>%x00%at%x00%B', '--end-of-options', ref]),
    repoURL ?? originUrl(git)
  ])
  const [sha = '', author = '', time = '0', ...rest] = raw.split('\0')
  const message = goTrimSpace(rest.join('\0'))
  // Only a message that names a reference trailer can yield a reference.
  const trailers = message.includes('Argocd-reference-commit-')
    ? await git.output(['interpret-trailers', '--parse'], { input: message })
    : undefined
  return dryCommitFrom({
    sha: sha.trim(),
    author,
    authorTime: Number(time),
    message,
    trailers,
    repoURL: url ? redactUrl(url) : ''
  })
}

async function originUrl(git: GitCommandManager): Promise<string> {
  return (
    await git.exec(['config', '--get', 'remote.origin.url'], { allowFailure: true })
  ).stdout.trim()
}
