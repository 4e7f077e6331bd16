import fs from 'node:fs'
import path from 'node:path'
import { minimatch } from 'minimatch'
import { isMap, LineCounter, parseAllDocuments, type Node } from 'yaml'
import { ConfigError } from '../errors.js'
import type { JsonObject as Obj } from '../manifests/resource.js'
import type { AdmissionObject, PolicySource } from './types.js'

const SKIPPED = new Set(['.git', 'node_modules'])

function walk(root: string, dir = ''): string[] {
  const found: string[] = []
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue
    const relative = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) found.push(...walk(root, relative))
    else if (entry.isFile()) found.push(relative)
  }
  return found
}

/**
 * The objects of the YAML files `policy.files` names (globs, relative to the repository):
 * policies, bindings, parameters, CRDs. Each keeps its file positions for error messages;
 * a glob that names no file is an error (a typo would silently disable the policies).
 */
export function loadPolicyFiles(
  repoRoot: string,
  globs: readonly string[],
  configFile = 'hydrate.yaml'
): AdmissionObject[] {
  if (globs.length === 0) return []
  return policyFilesAmong(walk(repoRoot), globs, configFile).flatMap(file =>
    readObjects(file, fs.readFileSync(path.join(repoRoot, file), 'utf8'))
  )
}

/** The YAML files of `files` that the globs name, each glob naming at least one. */
export function policyFilesAmong(
  files: readonly string[],
  globs: readonly string[],
  configFile = 'hydrate.yaml'
): string[] {
  const chosen = new Set<string>()
  for (const glob of globs) {
    const matched = files.filter(
      file => minimatch(file, glob, { dot: true }) && /\.ya?ml$/.test(file)
    )
    if (matched.length === 0)
      throw new ConfigError({ file: configFile }, `policy.files: ${glob} matches no YAML file`)
    for (const file of matched) chosen.add(file)
  }
  return [...chosen].sort()
}

/** The objects of one YAML stream, each with a source that locates its fields. */
export function readObjects(file: string, text: string): AdmissionObject[] {
  const lines = new LineCounter()
  const objects: AdmissionObject[] = []
  for (const document of parseAllDocuments(text, { lineCounter: lines })) {
    if ('errors' in document && document.errors.length > 0) {
      const { line, col } = lines.linePos(document.errors[0]!.pos[0])
      throw new ConfigError(
        { file, line, column: col },
        `invalid YAML: ${document.errors[0]!.message.split('\n')[0]}`
      )
    }
    if (!isMap(document.contents)) continue
    const object = document.toJS() as Obj
    const source: PolicySource = {
      origin: file,
      locate(at) {
        const node = document.getIn(at, true) as Node | undefined
        const range = node?.range ?? document.contents?.range
        if (!range) return { file }
        const { line, col } = lines.linePos(range[0])
        // A quoted or block scalar starts after its indicator.
        const scalar = node && 'type' in node ? String((node as { type?: string }).type) : ''
        const skip = scalar === 'QUOTE_DOUBLE' || scalar === 'QUOTE_SINGLE' ? 1 : 0
        return {
          file,
          line: scalar.startsWith('BLOCK') ? line + 1 : line,
          column: scalar.startsWith('BLOCK') ? 1 : col + skip
        }
      }
    }
    objects.push({ object, source })
  }
  return objects
}

/** An object of a rendered environment: its fields are not in a file of the repository. */
export function renderedSource(origin: string): PolicySource {
  return { origin, locate: () => ({ file: origin }) }
}
