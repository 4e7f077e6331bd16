import { parseAllDocuments } from 'yaml'

/** Parses a YAML stream the way Kubernetes does (YAML 1.1), dropping empty documents. */
export function parseStream(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map(d => d.toJS() as unknown)
    .filter(d => d !== null && d !== undefined)
}

/** Resources keyed by `apiVersion/kind/namespace/name` for resource-by-resource comparison. */
export function byIdentity(docs: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>()
  for (const doc of docs) {
    const o = doc as {
      apiVersion: string
      kind: string
      metadata: { name: string; namespace?: string }
    }
    map.set(`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, doc)
  }
  return map
}
