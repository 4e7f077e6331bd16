import type { GitCommandManager } from './commandManager.js'
import { redactUrl } from './redact.js'

/** The dry commit a hydration comes from: everything in the metadata derives from it. */
export interface DryCommit {
  sha: string
  /** `Name <email>` of the author. */
  author: string
  /** Author date, RFC 3339. */
  date: string
  subject: string
  body: string
  /** Repository URL without credentials, or '' when unknown. */
  repoURL: string
}

export async function readDryCommit(
  git: GitCommandManager,
  ref = 'HEAD',
  repoURL?: string
): Promise<DryCommit> {
  const SEP = '\u001f'
  const raw = await git.output([
    'show',
    '-s',
    `--format=%H${SEP}%an <%ae>${SEP}%aI${SEP}%s${SEP}%b`,
    '--end-of-options',
    ref
  ])
  const [sha = '', author = '', date = '', subject = '', ...rest] = raw.split(SEP)
  let url = repoURL
  if (url === undefined) {
    url = (
      await git.exec(['config', '--get', 'remote.origin.url'], { allowFailure: true })
    ).stdout.trim()
  }
  return {
    sha: sha.trim(),
    author,
    date,
    subject,
    body: rest.join(SEP).trim(),
    repoURL: url ? redactUrl(url) : ''
  }
}
