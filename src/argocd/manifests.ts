import fs from 'node:fs'
import path from 'node:path'
import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml'
import type { Document, Node } from 'yaml'
import type { SourceLocation } from '../errors.js'
import type { ArgoFinding } from '../config/types.js'
import { CLUSTER_SECRET_LABEL } from '../config/argocdSettings.js'
import { isObject } from '../manifests/isObject.js'

// Other argocd/ modules take it from here.
export { isObject }

export type ArgoKind = 'Application' | 'ApplicationSet'

/** One Application or ApplicationSet read from a file, with a way to locate its fields. */
export interface ArgoManifest {
  kind: ArgoKind
  name: string
  object: Record<string, unknown>
  location: SourceLocation
  /** file:line:col of a field path inside the object (the object's own location if absent). */
  locate(fieldPath: ReadonlyArray<string | number>): SourceLocation
}

/** A Secret object found in the repository with Argo CD's cluster label. */
export interface ClusterSecret {
  object: Record<string, unknown>
  location: SourceLocation
}

function isClusterSecret(object: Record<string, unknown>): boolean {
  const metadata = isObject(object.metadata) ? object.metadata : {}
  const labels = isObject(metadata.labels) ? metadata.labels : {}
  return (
    object.kind === 'Secret' &&
    object.apiVersion === 'v1' &&
    labels[CLUSTER_SECRET_LABEL] === 'cluster'
  )
}

/** Files larger than this are not Argo CD manifests anyone writes by hand. */
const MAX_FILE_BYTES = 1024 * 1024
const ARGO_KIND = /^kind:\s*["']?(Application|ApplicationSet)["']?\s*(#.*)?$/m
const SECRET_KIND = /^kind:\s*["']?Secret["']?\s*(#.*)?$/m

/**
 * Every `argoproj.io` Application and ApplicationSet in the YAML files below `dirs`
 * (repo-relative), in path order, and every Argo CD cluster Secret. Dot-directories are skipped, and so are Helm charts
 * (their templates are not manifests until rendered). A file that does not parse is a finding.
 */
export function readArgoManifests(
  repoRoot: string,
  dirs: readonly string[]
): { manifests: ArgoManifest[]; clusterSecrets: ClusterSecret[]; findings: ArgoFinding[] } {
  const manifests: ArgoManifest[] = []
  const clusterSecrets: ClusterSecret[] = []
  const findings: ArgoFinding[] = []
  const files = new Set<string>()
  for (const dir of dirs) for (const file of yamlFiles(repoRoot, dir)) files.add(file)
  for (const file of [...files].sort()) {
    const absolute = path.join(repoRoot, file)
    if (fs.statSync(absolute).size > MAX_FILE_BYTES) continue
    const text = fs.readFileSync(absolute, 'utf8')
    if (!text.includes('argoproj.io') || !(ARGO_KIND.test(text) || SECRET_KIND.test(text))) continue
    const lines = new LineCounter()
    const at = (offset: number): SourceLocation => {
      const { line, col } = lines.linePos(offset)
      return { file, line, column: col }
    }
    const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })
    for (const document of Array.isArray(documents) ? documents : [documents]) {
      const [error] = document.errors
      if (error) {
        findings.push({
          location: at(error.pos[0]),
          subject: file,
          kind: 'invalid',
          message: `does not parse as YAML (${error.message.split('\n')[0]}); its Argo CD objects are not read`
        })
        continue
      }
      const object = document.toJS({ maxAliasCount: 100 }) as unknown
      if (!isObject(object)) continue
      const location = at((document.contents as Node | null)?.range?.[0] ?? 0)
      if (isClusterSecret(object)) {
        clusterSecrets.push({ object, location })
        continue
      }
      const kind = object.kind
      const apiVersion = object.apiVersion
      if (kind !== 'Application' && kind !== 'ApplicationSet') continue
      if (typeof apiVersion !== 'string' || !apiVersion.startsWith('argoproj.io/')) continue
      const metadata = isObject(object.metadata) ? object.metadata : {}
      manifests.push({
        kind,
        name: typeof metadata.name === 'string' ? metadata.name : '',
        object,
        location,
        locate: fieldPath => locateIn(document, fieldPath, at) ?? location
      })
    }
  }
  return { manifests, clusterSecrets, findings }
}

function locateIn(
  document: Document,
  fieldPath: ReadonlyArray<string | number>,
  at: (offset: number) => SourceLocation
): SourceLocation | undefined {
  let node: unknown = document.contents
  for (const key of fieldPath) {
    if (isMap(node)) node = node.get(key, true)
    else if (isSeq(node) && typeof key === 'number') node = node.items[key]
    else return undefined
  }
  const range = (node as Node | undefined)?.range
  return range ? at(range[0]) : undefined
}

/** `*.yaml`/`*.yml` below `dir`, repo-relative, skipping dot-entries, `.git` and chart directories. */
function yamlFiles(repoRoot: string, dir: string): string[] {
  const found: string[] = []
  const realRoot = fs.realpathSync(repoRoot)
  const seen = new Set<string>()
  const walk = (relative: string) => {
    const absolute = path.join(repoRoot, relative)
    let real: string
    try {
      real = fs.realpathSync(absolute)
    } catch {
      return
    }
    // Only what lies inside the repository, once.
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return
    if (seen.has(real)) return
    seen.add(real)
    if (relative !== '' && fs.existsSync(path.join(absolute, 'Chart.yaml'))) return
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      const stat = entry.isSymbolicLink()
        ? fs.statSync(path.join(repoRoot, child), { throwIfNoEntry: false })
        : entry
      if (stat?.isDirectory()) walk(child)
      else if (stat?.isFile() && /\.ya?ml$/.test(entry.name)) {
        const realFile = fs.realpathSync(path.join(repoRoot, child))
        if (realFile.startsWith(realRoot + path.sep)) found.push(child)
      }
    }
  }
  walk(dir)
  return found
}
