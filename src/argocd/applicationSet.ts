import fs from 'node:fs'
import path from 'node:path'
import { compileGlob } from '../security/glob.js'
import { parseAllDocuments } from 'yaml'
import { resolveInsideRepo } from '../config/paths.js'
import { isObject } from './manifests.js'

// ApplicationSet generators and templates, as the ApplicationSet controller evaluates them,
// for the generators that read only this repository: list, git (directories, files), and
// matrix/merge of those. Anything else is reported, never guessed.

export type Params = Record<string, unknown>

/** A generator (or a feature of one) we do not evaluate: the ApplicationSet is reported. */
export class UnsupportedGenerator extends Error {}

export interface GeneratorContext {
  repoRoot: string
  goTemplate: boolean
  /** Is this URL this repository? */
  isThisRepository(url: string): boolean
}

const GENERATORS = ['list', 'git', 'matrix', 'merge'] as const

/** The parameter sets of one generator entry of `spec.generators`. */
export function generatorParams(generator: unknown, context: GeneratorContext): Params[] {
  if (!isObject(generator)) throw new UnsupportedGenerator('a generator must be a mapping')
  const keys = Object.keys(generator).filter(k => k !== 'selector')
  if (generator.selector !== undefined)
    throw new UnsupportedGenerator('generator selectors are not supported')
  const [name] = keys
  if (keys.length !== 1 || name === undefined)
    throw new UnsupportedGenerator(
      `a generator needs exactly one kind (got ${keys.join(', ') || 'none'})`
    )
  if (!(GENERATORS as readonly string[]).includes(name))
    throw new UnsupportedGenerator(
      `the ${name} generator is not supported (supported: ${GENERATORS.join(', ')})`
    )
  const spec = generator[name]
  if (!isObject(spec)) throw new UnsupportedGenerator(`${name} generator must be a mapping`)
  if (spec.template !== undefined)
    throw new UnsupportedGenerator(`a template on the ${name} generator is not supported`)
  switch (name) {
    case 'list':
      return listParams(spec, context)
    case 'git':
      return gitParams(spec, context)
    case 'matrix':
      return matrixParams(spec, context)
    default:
      return mergeParams(spec, context)
  }
}

function listParams(spec: Record<string, unknown>, context: GeneratorContext): Params[] {
  if (spec.elementsYaml !== undefined)
    throw new UnsupportedGenerator('list generator elementsYaml is not supported')
  const elements = spec.elements ?? []
  if (!Array.isArray(elements)) throw new UnsupportedGenerator('list elements must be a list')
  return elements.map(element => {
    if (!isObject(element)) throw new UnsupportedGenerator('list elements must be mappings')
    if (context.goTemplate) return { ...element }
    // Default mode: scalars as strings; the `values` map flattened to `values.key`.
    const params: Params = {}
    for (const [key, value] of Object.entries(element)) {
      if (key === 'values' && isObject(value))
        for (const [k, v] of Object.entries(value)) params[`values.${k}`] = stringOf(v)
      else params[key] = stringOf(value)
    }
    return params
  })
}

function gitParams(spec: Record<string, unknown>, context: GeneratorContext): Params[] {
  const repoURL = spec.repoURL
  if (typeof repoURL !== 'string' || !context.isThisRepository(repoURL))
    throw new UnsupportedGenerator(
      `git generator repoURL ${JSON.stringify(repoURL)} is not this repository`
    )
  for (const key of ['pathParamPrefix', 'values', 'requeueAfterSeconds'])
    if (spec[key] !== undefined)
      throw new UnsupportedGenerator(`git generator ${key} is not supported`)
  if (spec.directories !== undefined && spec.files !== undefined)
    throw new UnsupportedGenerator('a git generator takes directories or files, not both')
  if (Array.isArray(spec.directories)) return gitDirectoryParams(spec.directories, context)
  if (Array.isArray(spec.files)) return gitFileParams(spec.files, context)
  throw new UnsupportedGenerator('git generator needs a list of directories or files')
}

interface PathEntry {
  path: string
  exclude: boolean
}

function pathEntries(list: unknown[], what: string): PathEntry[] {
  return list.map(entry => {
    if (!isObject(entry) || typeof entry.path !== 'string')
      throw new UnsupportedGenerator(`git ${what} entries need a path`)
    return { path: entry.path, exclude: entry.exclude === true }
  })
}

/** Go's path.Match: `*` and `?` stay within a segment, `[…]` classes; no braces, no `**`. */
function pathMatch(pattern: string, candidate: string): boolean {
  return compileGlob(pattern, {
    dot: true,
    noglobstar: true,
    nobrace: true,
    nonegate: true,
    nocomment: true,
    noext: true
  })(candidate)
}

/**
 * Directories of the repository matching an include pattern and no exclude pattern, sorted,
 * as the git directory generator lists them (it sees directories holding files).
 */
function gitDirectoryParams(list: unknown[], context: GeneratorContext): Params[] {
  const entries = pathEntries(list, 'directories')
  const directories = repositoryDirectories(context.repoRoot)
  const matched = directories.filter(
    dir =>
      entries.some(e => !e.exclude && pathMatch(e.path, dir)) &&
      !entries.some(e => e.exclude && pathMatch(e.path, dir))
  )
  return matched.map(dir => pathParams(dir, undefined, context.goTemplate))
}

/** Files matching the patterns (`**` allowed, as git's glob pathspec), each one or more param sets. */
function gitFileParams(list: unknown[], context: GeneratorContext): Params[] {
  const entries = pathEntries(list, 'files')
  const matchers = entries.map(e => ({
    exclude: e.exclude,
    test: compileGlob(e.path, { dot: true })
  }))
  const files = repositoryFiles(context.repoRoot).filter(
    file =>
      matchers.some(e => !e.exclude && e.test(file)) &&
      !matchers.some(e => e.exclude && e.test(file))
  )
  const params: Params[] = []
  for (const file of files) {
    // A pull request controls the file: a symlink out of the repository is not read.
    const inside = resolveInsideRepo(context.repoRoot, file)
    if (!inside.ok) throw new UnsupportedGenerator(`git file ${inside.reason}`)
    const text = fs.readFileSync(path.join(context.repoRoot, file), 'utf8')
    let values: unknown[]
    try {
      values = parseAllDocuments(text).flatMap(doc => {
        if (doc.errors.length > 0) throw new Error(doc.errors[0]?.message)
        const value = doc.toJS() as unknown
        return Array.isArray(value) ? value : [value]
      })
    } catch (error) {
      throw new UnsupportedGenerator(`git file ${file} does not parse: ${String(error)}`)
    }
    for (const value of values) {
      if (!isObject(value)) throw new UnsupportedGenerator(`git file ${file} holds no mapping`)
      const base = context.goTemplate ? { ...value } : flatten(value)
      params.push({ ...base, ...pathParams(path.posix.dirname(file), file, context.goTemplate) })
    }
  }
  return params
}

/** The `path` parameters of a directory (and a file in it), in either template mode. */
function pathParams(dir: string, file: string | undefined, goTemplate: boolean): Params {
  const segments = dir === '.' ? [] : dir.split('/')
  const basename = path.posix.basename(dir)
  const names = {
    path: dir,
    basename,
    basenameNormalized: normalizeName(basename),
    ...(file !== undefined
      ? {
          filename: path.posix.basename(file),
          filenameNormalized: normalizeName(path.posix.basename(file))
        }
      : {})
  }
  if (goTemplate) return { path: { ...names, segments } }
  const params: Params = { path: dir }
  for (const [key, value] of Object.entries(names))
    if (key !== 'path') params[`path.${key}`] = value
  segments.forEach((segment, index) => (params[`path[${index}]`] = segment))
  return params
}

/** The controller's SanitizeName: lower case, runs of other characters as `-`, trimmed. */
function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
}

function matrixParams(spec: Record<string, unknown>, context: GeneratorContext): Params[] {
  const children = spec.generators
  if (!Array.isArray(children) || children.length !== 2)
    throw new UnsupportedGenerator('a matrix generator needs exactly two generators')
  const [first, second] = children.map(child => generatorParams(child, context)) as [
    Params[],
    Params[]
  ]
  return first.flatMap(a => second.map(b => combine(a, b, context.goTemplate)))
}

function mergeParams(spec: Record<string, unknown>, context: GeneratorContext): Params[] {
  const children = spec.generators
  const keys = spec.mergeKeys
  if (!Array.isArray(children) || children.length < 2)
    throw new UnsupportedGenerator('a merge generator needs two or more generators')
  if (!Array.isArray(keys) || keys.length === 0 || keys.some(k => typeof k !== 'string'))
    throw new UnsupportedGenerator('a merge generator needs mergeKeys')
  const [base, ...others] = children.map(child => generatorParams(child, context)) as [
    Params[],
    ...Params[][]
  ]
  const keyOf = (params: Params) =>
    JSON.stringify((keys as string[]).map(k => lookup(params, k, context.goTemplate)))
  let result = base
  for (const other of others) {
    const byKey = new Map<string, Params>()
    for (const params of other) byKey.set(keyOf(params), params)
    result = result.map(params => {
      const match = byKey.get(keyOf(params))
      return match ? combine(params, match, context.goTemplate) : params
    })
  }
  return result
}

/** The second set's parameters over the first's (nested maps merged in Go template mode). */
function combine(a: Params, b: Params, goTemplate: boolean): Params {
  if (!goTemplate) return { ...a, ...b }
  const merged: Params = { ...a }
  for (const [key, value] of Object.entries(b)) {
    const existing = merged[key]
    merged[key] = isObject(existing) && isObject(value) ? combine(existing, value, true) : value
  }
  return merged
}

function lookup(params: Params, key: string, goTemplate: boolean): unknown {
  if (!goTemplate) return params[key]
  let value: unknown = params
  for (const part of key.split('.')) value = isObject(value) ? value[part] : undefined
  return value
}

function flatten(value: Record<string, unknown>, prefix = ''): Params {
  const params: Params = {}
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key
    if (isObject(item)) Object.assign(params, flatten(item, name))
    else params[name] = stringOf(item)
  }
  return params
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/**
 * Renders an ApplicationSet template with one parameter set. Default mode: `{{ key }}` with the
 * parameter's string (unknown keys stay as written). Go template mode: field references only
 * (`{{ .path.basename }}`, `{{ index .path.segments 1 }}`); a missing field renders as Go's
 * `<no value>`; any other action (functions, pipelines) is unsupported.
 */
export function renderTemplate(template: unknown, params: Params, goTemplate: boolean): unknown {
  if (typeof template === 'string') return renderString(template, params, goTemplate)
  if (Array.isArray(template)) return template.map(item => renderTemplate(item, params, goTemplate))
  if (isObject(template)) {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(template))
      out[renderString(key, params, goTemplate)] = renderTemplate(value, params, goTemplate)
    return out
  }
  return template
}

function renderString(text: string, params: Params, goTemplate: boolean): string {
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, expression: string) => {
    if (!goTemplate) {
      const value = params[expression]
      return value === undefined ? whole : stringOf(value)
    }
    const field = /^\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)$/.exec(expression)
    if (field) return goString(lookup(params, field[1] as string, true))
    const index = /^index\s+\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s+(\d+)$/.exec(expression)
    if (index) {
      const list = lookup(params, index[1] as string, true)
      const position = Number(index[2])
      if (!Array.isArray(list) || position >= list.length)
        throw new UnsupportedGenerator(`template {{${expression}}}: index out of range`)
      return goString(list[position])
    }
    throw new UnsupportedGenerator(
      `template action {{${expression}}} is not supported (only field references and index)`
    )
  })
}

function goString(value: unknown): string {
  if (value === undefined) return '<no value>'
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`
  if (isObject(value))
    return `map[${Object.keys(value)
      .sort()
      .map(k => `${k}:${goString(value[k])}`)
      .join(' ')}]`
  return String(value)
}

/** Directories below the root holding at least one file, dot-entries skipped, sorted. */
function repositoryDirectories(repoRoot: string): string[] {
  const dirs = new Set<string>()
  for (const file of repositoryFiles(repoRoot)) {
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir))
      dirs.add(dir)
  }
  return [...dirs].sort()
}

/** Every file below the root (no symlinked directories, no dot-entries), sorted. */
function repositoryFiles(repoRoot: string): string[] {
  const files: string[] = []
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(child)
      else files.push(child)
    }
  }
  walk('')
  return files.sort()
}
