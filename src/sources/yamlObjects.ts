import fs from 'node:fs'
import path from 'node:path'
import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml'
import type { Document, Node } from 'yaml'
import { getErrorMessage, type SourceLocation } from '../errors.js'
import { isObject } from '../manifests/isObject.js'
import { followedStat } from './linkStat.js'

// The repository's own YAML objects, as zero-config discovery reads them (Argo CD
// Applications, Flux Kustomizations and what they name): every file, document by document,
// with the file:line:col of each object and of each document that cannot be read.

/** An object of one YAML document in a repository file. */
export interface YamlObject {
  /** Repo-relative. */
  file: string
  object: Record<string, unknown>
  /** Where the document's content starts. */
  location: SourceLocation
  /** file:line:col of a field path inside the object (the object's own location if absent). */
  locate(fieldPath: ReadonlyArray<string | number>): SourceLocation
}

/** A document that does not parse as YAML, or whose aliases expand too far. */
export interface YamlReadFinding {
  location: SourceLocation
  /** The file. */
  subject: string
  kind: 'invalid'
  message: string
}

/** What to read: the callers differ only in these. */
export interface YamlObjectsQuery {
  /** Folders to read below, repo-relative (`''`: the whole repository). */
  dirs: readonly string[]
  /** Whose objects a finding says are not read: `Argo CD`, `Flux`. */
  objectsOf: string
  /** A look at a file's text before parsing: may it hold an object the caller keeps? */
  mayHold(text: string): boolean
  /** Does a failure in this file concern the caller? Always, unless this says no. */
  reportsFailure?(text: string): boolean
  /** File names that never hold such objects (kustomize's own kustomization files). */
  skipNames?: RegExp
}

/** Files larger than this are not manifests anyone writes by hand. */
const MAX_FILE_BYTES = 1024 * 1024
/** As many aliases as a hand-written document uses; more is a resource exhaustion attempt. */
const MAX_ALIAS_COUNT = 100

/**
 * The objects of the YAML files below `query.dirs`, in path order, then document order.
 * Dot-entries and Helm charts are skipped (a chart's templates are not manifests until
 * rendered), and so are files over 1 MiB. Symlinks are followed while they stay inside the
 * repository; a directory is read once, under the first path that reaches it.
 */
export function readYamlObjects(
  repoRoot: string,
  query: YamlObjectsQuery
): { objects: YamlObject[]; findings: YamlReadFinding[] } {
  const objects: YamlObject[] = []
  const findings: YamlReadFinding[] = []
  const files = new Set<string>()
  for (const dir of query.dirs)
    for (const file of yamlFiles(repoRoot, dir, query.skipNames)) files.add(file)
  for (const file of [...files].sort()) {
    const absolute = path.join(repoRoot, file)
    if (fs.statSync(absolute).size > MAX_FILE_BYTES) continue
    const text = fs.readFileSync(absolute, 'utf8')
    if (!query.mayHold(text)) continue
    const reports = query.reportsFailure?.(text) ?? true
    const lines = new LineCounter()
    const at = (offset: number): SourceLocation => {
      const { line, col } = lines.linePos(offset)
      return { file, line, column: col }
    }
    const fail = (offset: number, message: string) => {
      if (reports)
        findings.push({
          location: at(offset),
          subject: file,
          kind: 'invalid',
          message: `does not parse as YAML (${firstLine(message)}); its ${query.objectsOf} objects are not read`
        })
    }
    const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })
    for (const document of Array.isArray(documents) ? documents : [documents]) {
      const [error] = document.errors
      if (error) {
        fail(error.pos[0], error.message)
        continue
      }
      const start = (document.contents as Node | null)?.range?.[0] ?? 0
      let object: unknown
      try {
        object = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
      } catch (conversion) {
        fail(start, getErrorMessage(conversion))
        continue
      }
      if (!isObject(object)) continue
      const location = at(start)
      objects.push({
        file,
        object,
        location,
        locate: fieldPath => locateIn(document, fieldPath, at) ?? location
      })
    }
  }
  return { objects, findings }
}

function firstLine(message: string): string {
  const end = message.indexOf('\n')
  return end < 0 ? message : message.slice(0, end)
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

/** `*.yaml`/`*.yml` below `dir`, repo-relative, skipping dot-entries and chart directories. */
function yamlFiles(repoRoot: string, dir: string, skipNames: RegExp | undefined): string[] {
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
      const stat = entry.isSymbolicLink() ? followedStat(path.join(repoRoot, child)) : entry
      if (stat?.isDirectory()) walk(child)
      else if (stat?.isFile() && /\.ya?ml$/.test(entry.name) && !skipNames?.test(entry.name)) {
        const realFile = fs.realpathSync(path.join(repoRoot, child))
        if (realFile.startsWith(realRoot + path.sep)) found.push(child)
      }
    }
  }
  walk(dir)
  return found
}
