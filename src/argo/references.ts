import { goJsonStringValue, goRfc3339, goUrlParses } from './goValidate.js'
import { formatMailAddress, parseMailAddress, type MailAddress } from './mailAddress.js'

/**
 * A commit the dry commit refers to through `Argocd-reference-commit-*` trailers, as Argo
 * CD's RevisionReference holds it ('' = absent, omitted from JSON).
 */
export interface ReferenceCommit {
  /** The re-formatted address; `<@>` when no author trailer was given (Go's zero Address). */
  author: string
  date: string
  subject: string
  body: string
  sha: string
  repoUrl: string
}

const PREFIX = 'Argocd-reference-commit-'
const SHA = /^[0-9a-f]{5,40}$/
/** bufio.Scanner stops at a line of 64 KiB or more: Argo CD drops it and all after it. */
const MAX_LINE = 64 * 1024 - 1

interface Collected {
  author?: MailAddress
  date: string
  subject: string
  body: string
  sha: string
  repoUrl: string
}

/** Argo CD's updateCommitMetadata: does this line set a field (and so leave the body)? */
function collect(line: string, into: Collected): boolean {
  if (!line.startsWith(PREFIX)) return false
  const separator = line.indexOf(': ')
  if (separator < 0) return false
  const value = line.slice(separator + 2)
  switch (line.slice(0, separator)) {
    case `${PREFIX}repourl`:
      if (!goUrlParses(value)) return false
      into.repoUrl = value
      return true
    case `${PREFIX}author`: {
      const address = parseMailAddress(value)
      if (!address) return false
      into.author = address
      return true
    }
    case `${PREFIX}date`: {
      const date = goRfc3339(value)
      if (date === undefined) return false
      into.date = date
      return true
    }
    case `${PREFIX}subject`:
      into.subject = value
      return true
    case `${PREFIX}body`: {
      const body = goJsonStringValue(value)
      if (body === undefined) return false
      into.body = body
      return true
    }
    case `${PREFIX}sha`:
      if (!SHA.test(value)) return false
      into.sha = value
      return true
    default:
      return false
  }
}

/** The lines bufio.Scanner yields (ScanLines: `\n` split, one trailing `\r` dropped). */
function scanLines(text: string): string[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const out: string[] = []
  for (const line of lines) {
    if (Buffer.byteLength(line, 'utf8') > MAX_LINE) break
    out.push(line.endsWith('\r') ? line.slice(0, -1) : line)
  }
  return out
}

/**
 * Argo CD's GetReferences: the one reference its valid trailers describe (none when they
 * set nothing), and the text without those lines, every kept line ending in `\n`.
 */
export function getReferences(text: string): { references: ReferenceCommit[]; rest: string } {
  const found: Collected = { date: '', subject: '', body: '', sha: '', repoUrl: '' }
  let rest = ''
  for (const line of scanLines(text)) if (!collect(line, found)) rest += `${line}\n`
  const { author, ...fields } = found
  const empty = !author?.name && !author?.address && Object.values(fields).every(v => v === '')
  if (empty) return { references: [], rest }
  return {
    references: [{ ...fields, author: formatMailAddress(author ?? { name: '', address: '' }) }],
    rest
  }
}
