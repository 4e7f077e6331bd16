import type { DryCommit, ReferenceCommit } from './dryCommit.js'
import { goJsonEncode, type GoJsonValue } from './goJson.js'

/**
 * The files Argo CD's source hydrator writes besides manifest.yaml, byte for byte (docs/output-layout.md
 * "Output layout", ADR 0010): `.gitattributes`, the root and per-path `hydrator.metadata`
 * (Go's json Encoder, two-space indent, no HTML escaping, struct field order, omitempty)
 * and the per-path README.md (its default template).
 */

/** Argo CD writes these two lines with no final newline. */
export const GITATTRIBUTES =
  '**/README.md linguist-generated=true\n**/hydrator.metadata linguist-generated=true'

/** HydratorCommitMetadata's fields in struct order; empty ones are omitted. */
interface HydratorMetadata {
  repoURL: string
  drySha: string
  commands?: string[]
  author?: string
  date?: string
  subject?: string
  body?: string
  references?: ReferenceCommit[]
}

function reference(ref: ReferenceCommit): GoJsonValue {
  // appv1.CommitMetadata: author, date, subject, body, sha, repoUrl.
  const commit: Record<string, GoJsonValue> = {}
  for (const [key, value] of [
    ['author', ref.author],
    ['date', ref.date],
    ['subject', ref.subject],
    ['body', ref.body],
    ['sha', ref.sha],
    ['repoUrl', ref.repoUrl]
  ] as const)
    if (value !== '') commit[key] = value
  return { commit }
}

function encodeMetadata(metadata: HydratorMetadata): string {
  const out: Record<string, GoJsonValue> = {}
  const put = (key: string, value: GoJsonValue | undefined) => {
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0))
      out[key] = value
  }
  put('repoURL', metadata.repoURL)
  put('drySha', metadata.drySha)
  put('commands', metadata.commands)
  put('author', metadata.author)
  put('date', metadata.date)
  put('subject', metadata.subject)
  put('body', metadata.body)
  put('references', metadata.references?.map(reference))
  return goJsonEncode(out)
}

/** Root `hydrator.metadata`: Argo CD's GetCommitMetadata for the dry commit. */
export function rootMetadata(dry: DryCommit): string {
  return encodeMetadata({
    repoURL: dry.repoURL,
    drySha: dry.sha,
    author: dry.author,
    date: dry.date,
    subject: dry.subject,
    body: dry.body,
    references: dry.references
  })
}

/** A path's `hydrator.metadata`: repoURL, drySha and the commands. */
export function pathMetadata(dry: DryCommit, commands: readonly string[]): string {
  return encodeMetadata({ repoURL: dry.repoURL, drySha: dry.sha, commands: [...commands] })
}

/**
 * A path's README.md: Argo CD's DefaultManifestHydrationReadmeTemplate executed with the
 * path's metadata, which carries no references (so that section never renders).
 */
export function pathReadme(dry: DryCommit, commands: readonly string[]): string {
  return [
    '# Manifest Hydration',
    '',
    'To hydrate the manifests in this repository, run the following commands:',
    '',
    '```shell',
    `git clone ${dry.repoURL}`,
    '# cd into the cloned directory',
    `git checkout ${dry.sha}`,
    ...commands,
    '```',
    ''
  ].join('\n')
}
