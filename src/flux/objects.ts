import fs from 'node:fs'
import path from 'node:path'
import { LineCounter, parseAllDocuments } from 'yaml'
import type { SourceLocation } from '../errors.js'
import { directoryEntries } from '../sources/directory.js'

/** A Flux object (or a ConfigMap/Secret a Kustomization may read) found in a file. */
export interface FluxObject {
  kind: string
  name: string
  /** metadata.namespace, or '' when the file does not say. */
  namespace: string
  object: Record<string, unknown>
  location: SourceLocation
}

/** What discovery could not turn into a target, and why (shown by `hydrate targets`). */
export interface FluxFinding {
  location: SourceLocation
  /** `Kustomization apps`. */
  subject: string
  kind: 'skipped' | 'unsupported' | 'invalid'
  message: string
}

export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io'
const FLUX_KUSTOMIZATION_VERSIONS = new Set(['v1', 'v1beta2', 'v1beta1'])
const MAX_FILE_BYTES = 1024 * 1024
const READ_KINDS = /^kind:\s*["']?(Kustomization|ConfigMap|Secret|GitRepository)["']?\s*(#.*)?$/m

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Is this a Flux Kustomization (and not kustomize's own kustomization file)? */
export function isFluxKustomization(object: Record<string, unknown>): boolean {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : ''
  const [group, version] = apiVersion.split('/')
  return (
    object.kind === 'Kustomization' &&
    group === FLUX_KUSTOMIZE_GROUP &&
    FLUX_KUSTOMIZATION_VERSIONS.has(version ?? '')
  )
}

/**
 * The Flux Kustomizations, GitRepositories, ConfigMaps and Secrets in the repository's YAML
 * files (dot-directories and Helm charts skipped; kustomization files are not objects).
 */
export function readFluxObjects(repoRoot: string): {
  kustomizations: FluxObject[]
  others: FluxObject[]
  findings: FluxFinding[]
} {
  const kustomizations: FluxObject[] = []
  const others: FluxObject[] = []
  const findings: FluxFinding[] = []
  for (const file of yamlFiles(repoRoot)) {
    const absolute = path.join(repoRoot, file)
    if (fs.statSync(absolute).size > MAX_FILE_BYTES) continue
    const text = fs.readFileSync(absolute, 'utf8')
    if (!READ_KINDS.test(text)) continue
    const lines = new LineCounter()
    const at = (offset: number): SourceLocation => {
      const { line, col } = lines.linePos(offset)
      return { file, line, column: col }
    }
    const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })
    for (const document of Array.isArray(documents) ? documents : [documents]) {
      const [error] = document.errors
      if (error) {
        if (text.includes(FLUX_KUSTOMIZE_GROUP))
          findings.push({
            location: at(error.pos[0]),
            subject: file,
            kind: 'invalid',
            message: `does not parse as YAML (${error.message.split('\n')[0]}); its Flux objects are not read`
          })
        continue
      }
      let object: unknown
      try {
        object = document.toJS({ maxAliasCount: 100 })
      } catch {
        continue
      }
      if (!isObject(object) || typeof object.kind !== 'string') continue
      const metadata = isObject(object.metadata) ? object.metadata : {}
      const found: FluxObject = {
        kind: object.kind,
        name: typeof metadata.name === 'string' ? metadata.name : '',
        namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
        object,
        location: at(document.contents?.range?.[0] ?? 0)
      }
      if (isFluxKustomization(object)) kustomizations.push(found)
      else if (['ConfigMap', 'Secret', 'GitRepository'].includes(object.kind)) others.push(found)
    }
  }
  return { kustomizations, others, findings }
}

/** Every YAML file of the repository, repo-relative, sorted; none inside a Helm chart. */
function yamlFiles(repoRoot: string): string[] {
  const isChart = new Map<string, boolean>()
  const inChart = (dir: string): boolean => {
    if (dir === '.' || dir === '') return false
    let known = isChart.get(dir)
    if (known === undefined) {
      known =
        fs.existsSync(path.join(repoRoot, dir, 'Chart.yaml')) || inChart(path.posix.dirname(dir))
      isChart.set(dir, known)
    }
    return known
  }
  return directoryEntriesOrFiles(repoRoot).filter(file => !inChart(path.posix.dirname(file)))
}

/**
 * All YAML files, kustomization directories included (a Flux Kustomization often sits next
 * to a kustomization.yaml that lists it): directoryEntries stops at those, so their files
 * are listed here too.
 */
function directoryEntriesOrFiles(repoRoot: string): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of directoryEntries(repoRoot, dir)) {
      if (entry.kind === 'file') files.push(entry.path)
      else walkInside(entry.path)
    }
  }
  const walkInside = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = dir ? `${dir}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(child)
      else if (
        entry.isFile() &&
        /\.ya?ml$/.test(entry.name) &&
        !/^kustomization\.ya?ml$/.test(entry.name)
      )
        files.push(child)
    }
  }
  walk('')
  return [...new Set(files)].sort()
}
