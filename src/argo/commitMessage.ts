import type { DryCommit } from './dryCommit.js'

/**
 * `git stripspace` (what `git commit -m` does to a message): trailing white space of each
 * line removed, blank lines at both ends dropped, runs of blank lines made one, a final
 * newline. Comment lines stay.
 */
export function gitStripspace(text: string): string {
  const out: string[] = []
  let blank = false
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/[ \t\r]+$/, '')
    if (trimmed === '') {
      blank = out.length > 0
      continue
    }
    if (blank) out.push('')
    blank = false
    out.push(trimmed)
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`
}

/**
 * Argo CD's default hydrated commit message (its CommitMessageTemplate, executed on the
 * metadata as a JSON map: an empty subject is a missing key, which renders `<no value>`),
 * then committed with `git commit -m`.
 */
export function argoCommitMessage(dry: DryCommit): string {
  let text = `${dry.sha.slice(0, 7)}: ${dry.subject === '' ? '<no value>' : dry.subject}`
  if (dry.body !== '') text += `\n\n${dry.body}`
  text += '\n'
  for (const ref of dry.references) if (ref.author !== '') text += `\nCo-authored-by: ${ref.author}`
  if (dry.author !== '') text += `\nCo-authored-by: ${dry.author}`
  return gitStripspace(`${text}\n`)
}

/** The empty commit Argo CD starts a missing branch with. */
export function initialCommitMessage(branch: string): string {
  return gitStripspace(`Initial commit for ${branch}`)
}
