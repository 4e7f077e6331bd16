import { getReferences, type ReferenceCommit } from './references.js'

export type { ReferenceCommit } from './references.js'

/**
 * The dry commit a hydration comes from, with the fields as Argo CD's hydrator derives
 * them (docs/output-layout.md): everything in the metadata and the commit message.
 */
export interface DryCommit {
  sha: string
  /** `Name <email>` of the author. */
  author: string
  /** Author date, RFC 3339 in UTC (`Z`), to the second. */
  date: string
  /** The trimmed message up to its first blank line (may hold several lines). */
  subject: string
  /**
   * The rest of the message without valid `Argocd-reference-commit-*` lines, each kept line
   * ending in a newline; '' when there is none.
   */
  body: string
  /** From the message's `Argocd-reference-commit-*` trailers (at most one). */
  references: ReferenceCommit[]
  /** Repository URL without credentials, or '' when unknown. */
  repoURL: string
}

/** Go's strings.TrimSpace: ASCII and Unicode white space (unicode.IsSpace) at both ends. */
export function goTrimSpace(text: string): string {
  const space =
    '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
  return text.replace(new RegExp(`^${space}+|${space}+$`, 'g'), '')
}

/**
 * What Argo CD reads from a commit (`%an <%ae>`, the author time, the trimmed message) and
 * makes of it. `trailers` is `git interpret-trailers --parse` of the message, needed only
 * when the message mentions a reference trailer.
 */
export function dryCommitFrom(raw: {
  sha: string
  author: string
  authorTime: number
  message: string
  trailers?: string
  repoURL: string
}): DryCommit {
  const message = goTrimSpace(raw.message)
  const cut = message.indexOf('\n\n')
  const subject = cut < 0 ? message : message.slice(0, cut)
  const body = cut < 0 ? '' : message.slice(cut + 2)
  return {
    sha: raw.sha,
    author: raw.author,
    date: new Date(raw.authorTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    subject,
    body: getReferences(body).rest,
    references: raw.trailers === undefined ? [] : getReferences(raw.trailers).references,
    repoURL: raw.repoURL
  }
}
