import fs from 'node:fs'
import path from 'node:path'
import {
  envsubst,
  invalid,
  Problem,
  repoPath,
  stringList,
  unsupported,
  type ApplicationContext,
  type SourceSpec
} from './applicationSource.js'
import { isObject } from './manifests.js'
import { expandValueFileGlob, globBase, isGlobPath, ValueFileGlobError } from './valueFileGlob.js'

// The files an Application's helm source reads — value files and fileParameters — resolved as
// repository.go getResolvedValueFiles (:1461) and helmTemplate (:1354) resolve them.

/** The `ref` sources of a multi-source Application by name; undefined for a single source. */
export type RefSources = ReadonlyMap<string, SourceSpec> | undefined

/**
 * A value file or file parameter path, repo-relative (a glob stays a glob): `$ref/…` from the
 * root of the `ref` source (this repository), the rest substituted after the ref is cut off
 * (getResolvedRefValueFile); anything else substituted first, absolute from the repository
 * root, relative from the chart. `chartDir` undefined: a remote chart.
 */
function resolveHelmPath(
  raw: string,
  chartDir: string | undefined,
  refs: RefSources,
  vars: Map<string, string>,
  context: ApplicationContext,
  field: string,
  what: string
): string {
  let relative: string
  const refName = raw.startsWith('$') ? (raw.split('/')[0] as string) : undefined
  const refSource = refName === undefined ? undefined : refs?.get(refName.slice(1))
  if (refName !== undefined && refs !== undefined && !refSource) {
    // resolveReferencedSources (:591): a multi-source Application's `$name` must be a ref.
    const known = [...refs.keys()].map(k => `$${k}`).join(', ')
    throw invalid(
      known
        ? `${what} ${raw} names ${refName}, which is not one of the available sources (${known})`
        : `${what} ${raw} names ${refName}, but no source has a 'ref' field defined`
    )
  }
  if (refSource) {
    if (refSource.chart)
      throw invalid(
        `${what} ${raw}: source ${refName} names a chart; a ref source is a git repository`
      )
    if (!context.isThisRepository(refSource.repoURL ?? ''))
      throw new Problem(
        'skipped',
        `${what} ${raw}: source ${refName} (${refSource.repoURL}) is not this repository`
      )
    relative = envsubst(`/${raw.split('/').slice(1).join('/')}`, vars, field)
  } else {
    const file = envsubst(raw, vars, field)
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file))
      throw unsupported(
        `${what} ${file} is remote; hydrate reads value files from this repository only`
      )
    // A remote chart is its own repository root (repository.go:479): `/x` is inside it too.
    if (chartDir === undefined)
      throw unsupported(
        `${what} ${file} lies inside a remote chart; use a $ref source of this repository`
      )
    relative = file.startsWith('/') ? file : path.posix.join(chartDir || '.', file)
  }
  return repoPath(context.repoRoot, relative, `${what} ${raw}`)
}

/**
 * `helm.valueFiles` as getResolvedValueFiles lists them: globs expanded in doublestar's order
 * (a file also listed by name takes its named place), duplicates kept once at their first
 * place, a missing file or a glob matching none skipped with ignoreMissingValueFiles.
 */
export function valueFilesOf(
  helm: Record<string, unknown>,
  chartDir: string | undefined,
  refs: RefSources,
  vars: Map<string, string>,
  context: ApplicationContext
): { files: string[]; lookups?: { directories: string[]; files: string[] } } {
  const ignoreMissing = helm.ignoreMissingValueFiles === true
  const files = stringList(helm.valueFiles, 'helm.valueFiles').map(raw => ({
    raw,
    resolved: resolveHelmPath(raw, chartDir, refs, vars, context, 'helm.valueFiles', 'value file')
  }))
  const named = new Set(files.filter(f => !isGlobPath(f.resolved)).map(f => f.resolved))
  const result: string[] = []
  const lookups = { directories: [] as string[], files: [] as string[] }
  const add = (file: string) => {
    if (!result.includes(file)) result.push(file)
  }
  for (const { raw, resolved } of files) {
    if (isGlobPath(resolved)) {
      let matches: string[]
      try {
        matches = expandValueFileGlob(context.repoRoot, resolved)
      } catch (error) {
        if (error instanceof ValueFileGlobError)
          throw invalid(`value file ${raw}: ${error.message}`)
        throw error
      }
      lookups.directories.push(globBase(resolved))
      if (matches.length === 0 && !ignoreMissing)
        throw invalid(`values file glob ${JSON.stringify(raw)} matched no files`)
      for (const match of matches)
        if (!named.has(match)) add(repoPath(context.repoRoot, match, `value file ${raw}`))
      continue
    }
    if (!fs.existsSync(path.join(context.repoRoot, resolved))) {
      if (!ignoreMissing) throw invalid(`value file ${raw} does not exist (${resolved})`)
      lookups.files.push(resolved)
      continue
    }
    add(resolved)
  }
  const looked = lookups.directories.length + lookups.files.length > 0
  return looked ? { files: result, lookups } : { files: result }
}

/** `helm.fileParameters` (--set-file): `$ref/…` as value files, others from the chart. */
export function fileParametersOf(
  helm: Record<string, unknown>,
  chartDir: string | undefined,
  refs: RefSources,
  vars: Map<string, string>,
  context: ApplicationContext
): Array<{ name: string; path: string }> {
  const raw = helm.fileParameters ?? []
  if (!Array.isArray(raw)) throw invalid('helm.fileParameters must be a list')
  return raw.map(p => {
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.path !== 'string')
      throw invalid('helm.fileParameters need a name and a path')
    const path = resolveHelmPath(
      p.path,
      chartDir,
      refs,
      vars,
      context,
      `helm.fileParameters ${p.name}`,
      `helm file parameter ${p.name}`
    )
    return { name: p.name, path }
  })
}
