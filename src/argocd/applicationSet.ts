import fs from 'node:fs'
import path from 'node:path'
import { compileGlob } from '../security/glob.js'
import { parseAllDocuments } from 'yaml'
import { resolveInsideRepo } from '../config/paths.js'
import type { ArgoCluster } from '../config/types.js'
import { ClusterGeneratorError, clustersGeneratorParams, sanitizeName } from './clusters.js'
import { gitPathspecMatches } from './gitPathspec.js'
import { repositoryDirectories, repositoryFiles } from './repositoryFiles.js'
import { flattenDotStyle } from './goValues.js'
import { isObject } from './manifests.js'
import { mergeParamSets } from './mergeGenerator.js'
import type { MissingKey } from '../gotemplate/index.js'
import { RefusedTemplate, renderGoString } from './goTemplate.js'
import { getOwn, setOwn } from '../security/ownProperty.js'

// ApplicationSet generators and templates, as the ApplicationSet controller evaluates them,
// for the generators that read only this repository: list, git (directories, files), clusters
// (from the clusters the repository declares), and matrix/merge of those. Anything else is reported, never guessed.

export type Params = Record<string, unknown>

/** A generator (or a feature of one) we do not evaluate: the ApplicationSet is reported. */
export class UnsupportedGenerator extends Error {}

export interface GeneratorContext {
  repoRoot: string
  goTemplate: boolean
  /** Is this URL this repository? */
  isThisRepository(url: string): boolean
  /** The clusters the repository declares (Secrets, `argocd.clusters`). */
  clusters: readonly ArgoCluster[]
}

const GENERATORS = ['list', 'git', 'clusters', 'matrix', 'merge'] as const

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
    case 'clusters':
      try {
        return clustersGeneratorParams(spec, context.clusters, context.goTemplate, (text, params) =>
          renderString(text, params, context.goTemplate)
        )
      } catch (error) {
        if (error instanceof ClusterGeneratorError) throw new UnsupportedGenerator(error.message)
        throw error
      }
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
    // Default mode (list.go): string values only, the `values` map as `values.key`; anything
    // else fails the ApplicationSet ("error parsing value as string").
    const params: Params = {}
    const text = (key: string, value: unknown) => {
      if (typeof value !== 'string')
        throw new Error(
          `list element ${key} is ${value === null ? 'null' : typeof value}; Argo CD's list generator takes strings only without goTemplate (error parsing value as string)`
        )
      return value
    }
    for (const [key, value] of Object.entries(element)) {
      if (key !== 'values') setOwn(params, key, text(key, value))
      else if (!isObject(value)) throw new Error('list element values must be a mapping')
      else
        for (const [k, v] of Object.entries(value))
          setOwn(params, `values.${k}`, text(`values.${k}`, v))
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
  const files = repositoryFiles(context.repoRoot).filter(
    file =>
      entries.some(e => !e.exclude && gitPathspecMatches(e.path, file)) &&
      !entries.some(e => e.exclude && gitPathspecMatches(e.path, file))
  )
  const params: Params[] = []
  for (const file of files) {
    // A pull request controls the file: a symlink out of the repository is not read.
    const inside = resolveInsideRepo(context.repoRoot, file)
    if (!inside.ok) throw new UnsupportedGenerator(`git file ${inside.reason}`)
    const text = fs.readFileSync(path.join(context.repoRoot, file), 'utf8')
    // sigs.k8s.io/yaml reads the first document only: a mapping, or a list of them; an empty
    // file is one empty mapping.
    const [first] = parseAllDocuments(text)
    if (first && first.errors.length > 0)
      throw new UnsupportedGenerator(`git file ${file} does not parse: ${first.errors[0]?.message}`)
    const parsed = (first?.toJS() as unknown) ?? {}
    const values = Array.isArray(parsed) ? parsed : [parsed]
    for (const value of values) {
      if (!isObject(value)) throw new UnsupportedGenerator(`git file ${file} holds no mapping`)
      const base = context.goTemplate ? { ...value } : flattenDotStyle(value)
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
    basenameNormalized: sanitizeName(basename),
    ...(file !== undefined
      ? {
          filename: path.posix.basename(file),
          filenameNormalized: sanitizeName(path.posix.basename(file))
        }
      : {})
  }
  if (goTemplate) return { path: { ...names, segments } }
  const params: Params = { path: dir }
  for (const [key, value] of Object.entries(names))
    if (key !== 'path') setOwn(params, `path.${key}`, value)
  segments.forEach((segment, index) => (params[`path[${index}]`] = segment))
  return params
}

function matrixParams(spec: Record<string, unknown>, context: GeneratorContext): Params[] {
  const children = spec.generators
  if (!Array.isArray(children) || children.length !== 2)
    throw new UnsupportedGenerator('a matrix generator needs exactly two generators')
  // matrix.go: the second generator is interpolated with each of the first's parameter sets;
  // Go template mode merges the first's over the second's, default mode refuses a key the two
  // give different values (utils.CombineStringMaps).
  return generatorParams(children[0], context).flatMap(a =>
    generatorParams(renderTemplate(children[1], a, context.goTemplate), context).map(b => {
      if (context.goTemplate) return combine(b, a, true)
      for (const [key, value] of Object.entries(b))
        if (key in a && a[key] !== value)
          throw new Error(
            `matrix: found duplicate key ${key} with different value, a: ${stringOf(a[key])} ,b: ${stringOf(value)}`
          )
      return { ...a, ...b }
    })
  )
}

function mergeParams(spec: Record<string, unknown>, context: GeneratorContext): Params[] {
  const children = spec.generators
  const keys = spec.mergeKeys
  if (!Array.isArray(children) || children.length < 2)
    throw new UnsupportedGenerator('a merge generator needs two or more generators')
  if (!Array.isArray(keys) || keys.length === 0 || keys.some(k => typeof k !== 'string'))
    throw new UnsupportedGenerator('a merge generator needs mergeKeys')
  // Not interpolated: each child is evaluated on its own (mergeGenerator.ts).
  const sets = children.map(child => generatorParams(child, context))
  return mergeParamSets(keys as string[], sets, context.goTemplate)
}

/** The second set's parameters over the first's (nested maps merged in Go template mode). */
function combine(a: Params, b: Params, goTemplate: boolean): Params {
  if (!goTemplate) return { ...a, ...b }
  const merged: Params = { ...a }
  for (const [key, value] of Object.entries(b)) {
    const existing = getOwn(merged, key)
    setOwn(
      merged,
      key,
      isObject(existing) && isObject(value) ? combine(existing, value, true) : value
    )
  }
  return merged
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/**
 * Renders an ApplicationSet template with one parameter set, keys and values (Argo CD's
 * deeplyReplace). Default mode: `{{ key }}` with the parameter's string (unknown keys stay as
 * written). Go template mode: Go's text/template with Sprig and Argo CD's functions
 * (src/gotemplate); `missingKey` is goTemplateOptions' missingkey.
 */
export function renderTemplate(
  template: unknown,
  params: Params,
  goTemplate: boolean,
  missingKey: MissingKey = 'default'
): unknown {
  // RenderTemplateParams returns the template untouched for an empty parameter set.
  if (Object.keys(params).length === 0) return template
  const render = (text: string) => renderString(text, params, goTemplate, missingKey)
  if (typeof template === 'string') return render(template)
  if (Array.isArray(template))
    return template.map(item => renderTemplate(item, params, goTemplate, missingKey))
  if (isObject(template)) {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(template))
      setOwn(out, render(key), renderTemplate(value, params, goTemplate, missingKey))
    return out
  }
  return template
}

function renderString(
  text: string,
  params: Params,
  goTemplate: boolean,
  missingKey: MissingKey = 'default'
): string {
  if (goTemplate) {
    try {
      return renderGoString(text, params, missingKey)
    } catch (error) {
      if (error instanceof RefusedTemplate) throw new UnsupportedGenerator(error.message)
      throw error
    }
  }
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, expression: string) => {
    const value = params[expression]
    return value === undefined ? whole : stringOf(value)
  })
}
