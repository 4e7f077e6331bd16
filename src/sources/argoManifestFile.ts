import { parseAllDocuments } from 'yaml'

// What Argo CD's repo-server makes of one YAML file of a directory source (repository.go
// getObjsFromYAMLOrJSON, :2048): each document decoded as a Kubernetes object in turn; at the
// first one that is not (no `kind`, not a mapping, not YAML), the file fails the render when
// objects came before it or when its text looks like a manifest (holds `apiVersion:`, `kind:`
// and `metadata:`), and is ignored otherwise — a `values.yaml` next to the manifests.

export type ArgoManifestFile =
  { kind: 'objects' } | { kind: 'ignored'; reason: string } | { kind: 'error'; reason: string }

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** The verdict for one YAML (not `.json`, not `.jsonnet`) file's bytes. */
export function argoManifestFile(bytes: Buffer): ArgoManifestFile {
  const failure = firstFailure(bytes)
  if (failure === undefined) return { kind: 'objects' }
  if (failure.after > 0) return { kind: 'error', reason: failure.reason }
  const text = bytes.toString('latin1')
  if (text.includes('apiVersion:') && text.includes('kind:') && text.includes('metadata:'))
    return { kind: 'error', reason: `${failure.reason}, and the file looks like a manifest` }
  return { kind: 'ignored', reason: failure.reason }
}

/** The first document that is not an object, with the number of objects before it. */
function firstFailure(bytes: Buffer): { reason: string; after: number } | undefined {
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    return { reason: 'not UTF-8', after: 0 }
  }
  let after = 0
  for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
    if (doc.errors.length > 0)
      return { reason: `not YAML (${doc.errors[0]?.message.split('\n')[0]})`, after }
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: 1000 })
    } catch (error) {
      return {
        reason: `not YAML (${error instanceof Error ? error.message : String(error)})`,
        after
      }
    }
    // An empty document decodes to nothing and is skipped (splitYAMLOrJSON's `u == nil`).
    if (value === null || value === undefined) continue
    if (typeof value !== 'object' || Array.isArray(value))
      return { reason: 'a document is not a mapping', after }
    const { kind, apiVersion } = value as Record<string, unknown>
    // unstructured's decoder refuses an object without a string kind ("Object 'Kind' is
    // missing"); GroupVersionKind() drops the kind too when apiVersion has two slashes.
    const badGroupVersion = typeof apiVersion === 'string' && apiVersion.split('/').length > 2
    if (typeof kind !== 'string' || kind === '' || badGroupVersion)
      return { reason: "a document has no kind (Object 'Kind' is missing)", after }
    after++
  }
  return undefined
}
