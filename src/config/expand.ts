import fs from 'node:fs'
import path from 'node:path'
import { ConfigError, getErrorMessage } from '../errors.js'
import { compileGlob } from '../security/glob.js'
import { detectSourceType, findKustomization } from '../sources/kind.js'
import { discoverSources, fillTemplate, placeholdersOf } from './discover.js'
import { DEFAULT_APPLICATION_LIMIT } from './limits.js'
import type { TargetEntry } from './entries.js'
import { checkOutputPath, normalizeOutputPath, resolveInsideRepo } from './paths.js'
import { ZERO_CONFIG_DISCOVER, type Defaults, type HelmOptions, type Target } from './types.js'
import type { YamlReader } from './yamlReader.js'

export const CONFIG_FILE_NAMES = ['hydrate.yaml', 'hydrate.yml']

/** Turns one entry into targets: itself, or one per directory its `discover` pattern matches. */
export function expandEntry(
  root: string,
  reader: YamlReader | undefined,
  entry: TargetEntry,
  defaults: Defaults,
  limit = DEFAULT_APPLICATION_LIMIT
): Target[] {
  const fail = (message: string, key?: string): never => {
    if (reader && entry.node)
      reader.fail((key && reader.keyNode(entry.node, key)) || entry.node, message)
    throw new ConfigError(entry.location, message)
  }
  const field = (key: string) => (reader && entry.node ? reader.node(entry.node, key) : undefined)

  if (entry.discover !== undefined) {
    const checked = resolveInsideRepo(root, entry.discover.replace(/\{[^}]*\}/g, 'x'))
    if (!checked.ok) fail(`discover pattern ${checked.reason}`, 'discover')
    const names = placeholdersOf(entry.discover)
    if (names.length === 0)
      fail('discover pattern has no {placeholder}; use "source" for a single directory', 'discover')
    const excludes = (entry.exclude ?? []).map(glob => {
      try {
        return compileGlob(glob, { dot: true })
      } catch (error) {
        return fail(getErrorMessage(error), 'exclude')
      }
    })
    const excluded = (source: string) => excludes.some(test => test(source))
    const found = discoverSources(root, entry.discover).filter(d => !excluded(d.source))
    if (found.length > limit)
      fail(
        `discover pattern ${entry.discover} matches ${found.length} directories, more targets than limits.applications allows (${limit})`,
        'discover'
      )
    if (found.length === 0) {
      if (!reader) {
        throw new ConfigError(
          { file: CONFIG_FILE_NAMES[0] as string },
          `no hydrate.yaml and no directory matches the zero-config default "${ZERO_CONFIG_DISCOVER}"; add a hydrate.yaml (see docs/configuration.md)`
        )
      }
      fail(`discover pattern ${JSON.stringify(entry.discover)} matches no directory`, 'discover')
    }
    return found.map(({ source, captures }) =>
      buildTarget(root, entry, defaults, source, captures, (message, key) => {
        const node = key ? field(key) : undefined
        if (reader && (node || entry.node))
          reader.fail(node ?? entry.node, `${message} (discovered at ${source})`)
        throw new ConfigError(entry.location, `${message} (discovered at ${source})`)
      })
    )
  }
  return [
    buildTarget(root, entry, defaults, entry.source, {}, (message, key) => {
      const node = key ? field(key) : undefined
      if (reader && (node || entry.node)) reader.fail(node ?? entry.node, message)
      throw new ConfigError(entry.location, message)
    })
  ]
}

function buildTarget(
  root: string,
  entry: TargetEntry,
  defaults: Defaults,
  rawSource: string | undefined,
  captures: Record<string, string>,
  fail: (message: string, key?: string) => never
): Target {
  let source: string | undefined
  if (rawSource !== undefined) {
    const checked = resolveInsideRepo(root, rawSource)
    if (!checked.ok) fail(`source ${checked.reason}`, 'source')
    source = checked.path
    if (!fs.statSync(path.join(root, source), { throwIfNoEntry: false })?.isDirectory())
      fail(`source ${rawSource} is not a directory`, 'source')
  }
  const fill = (template: string, key: string, values: Record<string, string>): string => {
    const { value, missing } = fillTemplate(template, values)
    if (missing.length > 0)
      fail(
        `${key} uses unknown placeholder {${missing[0]}}; known: ${
          Object.keys(values)
            .map(k => `{${k}}`)
            .join(', ') || 'none'
        }`,
        key
      )
    return value
  }
  const remoteChartName = entry.helm?.chart?.split('/').pop()
  const env = entry.env !== undefined ? fill(entry.env, 'env', captures) : captures.env
  const defaultName = source
    ? source.replace(/\//g, '-')
    : (remoteChartName ?? 'chart') + (env ? `-${env}` : '')
  const name =
    entry.name !== undefined
      ? fill(entry.name, 'name', { ...captures, ...(env ? { env } : {}) })
      : defaultName
  if (env === undefined) fail('missing "env" (the environment this target deploys to)', 'env')
  const values = { ...captures, env: env as string, name }
  const branch = fill(entry.branch ?? defaults.branch, 'branch', values)
  const outputPath = fill(entry.path ?? source ?? name, 'path', values)
  const pathProblem = checkOutputPath(outputPath)
  if (pathProblem) fail(`path ${JSON.stringify(outputPath)} ${pathProblem}`, 'path')

  const declared = entry.type ?? (entry.helm?.chart ? 'helm' : undefined)
  const type = declared ?? detectSourceType(path.join(root, source ?? ''))
  if (
    type === 'helm' &&
    source !== undefined &&
    !fs.existsSync(path.join(root, source, 'Chart.yaml'))
  ) {
    fail(`type helm needs a Chart.yaml in ${source}`, 'type')
  }
  // A detected kustomize source has its kustomization file: only a declared type is checked.
  if (
    type === 'kustomize' &&
    declared !== undefined &&
    source !== undefined &&
    !findKustomization(path.join(root, source))
  ) {
    fail(`type kustomize needs a kustomization.yaml in ${source}`, 'type')
  }
  const helm = type === 'helm' ? (entry.helm ?? defaultHelmOptions()) : undefined
  if (helm) {
    for (const file of helm.valueFiles) {
      const checked = resolveInsideRepo(root, fill(file, 'helm', values))
      if (!checked.ok) fail(`value file ${checked.reason}`, 'helm')
      if (!fs.existsSync(path.join(root, checked.path)))
        fail(
          `value file ${file} does not exist${
            source !== undefined && fs.existsSync(path.join(root, source, file))
              ? ` (value files are repo-relative: ${source}/${file}?)`
              : ''
          }`,
          'helm'
        )
    }
  }
  return {
    name,
    env: env as string,
    type,
    source,
    path: normalizeOutputPath(outputPath),
    branch,
    layout: entry.layout ?? defaults.layout,
    prune: entry.prune ?? defaults.prune,
    allowSecrets: entry.allowSecrets ?? false,
    helm: helm
      ? { ...helm, valueFiles: helm.valueFiles.map(f => fillTemplate(f, values).value) }
      : undefined,
    policy: entry.policy,
    kustomize:
      type === 'kustomize'
        ? (entry.kustomize ?? {
            enableHelm: false,
            loadRestrictor: 'rootOnly',
            allowRemoteBases: false,
            allowOutsideReads: false
          })
        : undefined,
    location: entry.location
  }
}

function defaultHelmOptions(): HelmOptions {
  return { valueFiles: [], includeCRDs: false, skipTests: true, apiVersions: [], plainHttp: false }
}
