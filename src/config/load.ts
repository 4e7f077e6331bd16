import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { minimatch } from 'minimatch'
import { isScalar } from 'yaml'
import type { Node, YAMLMap } from 'yaml'
import { ConfigError, UsageError, type SourceLocation } from '../errors.js'
import { discoverSources, fillTemplate, placeholdersOf } from './discover.js'
import { checkOutputPath, normalizeOutputPath, resolveInsideRepo } from './paths.js'
import {
  DEFAULT_DIFF,
  DEFAULTS,
  ZERO_CONFIG_DISCOVER,
  type Defaults,
  type DiffSettings,
  type HelmOptions,
  type HydrateConfig,
  type KustomizeOptions,
  type Layout,
  type PolicySettings,
  POLICY_RULES,
  type SourceType,
  type Target
} from './types.js'
import { YamlReader } from './yamlReader.js'

const TOP_KEYS = ['version', 'defaults', 'targets', 'diff', 'policy'] as const
const POLICY_KEYS = ['rules', 'requireDigest'] as const
const DIFF_KEYS = ['context', 'noise', 'ignore'] as const
const IGNORE_KEYS = ['group', 'kind', 'name', 'namespace', 'jsonPointers'] as const
const DEFAULT_KEYS = ['branch', 'layout', 'prune'] as const
const TARGET_KEYS = [
  'name',
  'env',
  'source',
  'discover',
  'path',
  'type',
  'branch',
  'layout',
  'prune',
  'allowSecrets',
  'helm',
  'kustomize',
  'policy'
] as const
const HELM_KEYS = [
  'releaseName',
  'namespace',
  'valueFiles',
  'values',
  'includeCRDs',
  'skipTests',
  'kubeVersion',
  'apiVersions',
  'repo',
  'chart',
  'version',
  'plainHttp'
] as const
const KUSTOMIZE_KEYS = [
  'enableHelm',
  'loadRestrictor',
  'allowRemoteBases',
  'allowOutsideReads'
] as const
const LAYOUTS: readonly Layout[] = ['manifest', 'resources']
const TYPES: readonly SourceType[] = ['helm', 'kustomize', 'directory']
export const CONFIG_FILE_NAMES = ['hydrate.yaml', 'hydrate.yml']

export interface LoadOptions {
  /** Config file, relative to the repo root or absolute. Default: hydrate.yaml if present. */
  configFile?: string
  /** Keep only targets whose name matches one of these globs. */
  targetFilter?: string[]
}

/** One `targets[]` entry as written, before discovery and defaults. */
interface TargetEntry {
  location: SourceLocation
  node: YAMLMap<Node, Node>
  name?: string
  env?: string
  source?: string
  discover?: string
  path?: string
  type?: SourceType
  branch?: string
  layout?: Layout
  prune?: boolean
  allowSecrets?: boolean
  helm?: HelmOptions
  kustomize?: KustomizeOptions
  policy?: PolicySettings
}

export function loadConfig(repoRoot: string, options: LoadOptions = {}): HydrateConfig {
  const root = path.resolve(repoRoot)
  const file = findConfigFile(root, options.configFile)
  let defaults: Defaults = { ...DEFAULTS }
  let diff: DiffSettings = { ...DEFAULT_DIFF }
  let policy: PolicySettings = { rules: {} }
  let entries: TargetEntry[]
  let reader: YamlReader | undefined
  if (file) {
    const text = fs.readFileSync(path.join(root, file), 'utf8')
    reader = new YamlReader(file, text)
    ;({ defaults, entries, diff, policy } = readConfigDocument(reader))
  } else {
    entries = [
      {
        location: { file: '(zero-config default)' },
        node: undefined as never,
        discover: ZERO_CONFIG_DISCOVER
      }
    ]
  }
  const allTargets = entries.flatMap(entry => expandEntry(root, reader, entry, defaults))
  validateTargets(root, allTargets)
  let targets = allTargets
  if (options.targetFilter && options.targetFilter.length > 0) {
    const globs = options.targetFilter
    targets = targets.filter(t => globs.some(g => minimatch(t.name, g)))
    if (targets.length === 0)
      throw new UsageError(`no target matches ${globs.map(g => JSON.stringify(g)).join(', ')}`)
  }
  return { repoRoot: root, file, defaults, diff, policy, targets, allTargets }
}

function findConfigFile(root: string, configFile: string | undefined): string | undefined {
  if (configFile) {
    const absolute = path.resolve(root, configFile)
    if (!fs.existsSync(absolute))
      throw new ConfigError({ file: configFile }, 'config file not found')
    return path.relative(root, absolute).split(path.sep).join('/') || configFile
  }
  return CONFIG_FILE_NAMES.find(name => fs.existsSync(path.join(root, name)))
}

function readConfigDocument(reader: YamlReader): {
  defaults: Defaults
  entries: TargetEntry[]
  diff: DiffSettings
  policy: PolicySettings
} {
  const top = reader.map(reader.root, 'the config file')
  reader.checkKeys(top, TOP_KEYS, 'the config file')
  const versionNode = reader.node(top, 'version')
  if (!reader.has(top, 'version'))
    reader.fail(top, 'missing required key "version" (expected: version: 1)')
  if (!isScalar(versionNode) || versionNode.value !== 1)
    reader.fail(versionNode, 'version must be 1')

  const defaults: Defaults = { ...DEFAULTS }
  if (reader.has(top, 'defaults')) {
    const node = reader.map(
      reader.node(top, 'defaults') ?? reader.keyNode(top, 'defaults'),
      'defaults'
    )
    reader.checkKeys(node, DEFAULT_KEYS, 'defaults')
    defaults.branch = reader.string(node, 'branch', 'defaults') ?? defaults.branch
    defaults.layout = reader.oneOf(node, 'layout', LAYOUTS, 'defaults') ?? defaults.layout
    defaults.prune = reader.boolean(node, 'prune', 'defaults') ?? defaults.prune
  }

  if (!reader.has(top, 'targets'))
    reader.fail(top, 'missing required key "targets" (a list of targets)')
  const list = reader.seq(reader.node(top, 'targets') ?? reader.keyNode(top, 'targets'), 'targets')
  if (list.items.length === 0) reader.fail(list, 'targets must not be empty')
  const entries = list.items.map((item, index) =>
    readTargetEntry(reader, item, `targets[${index}]`)
  )
  const diff = reader.has(top, 'diff')
    ? readDiff(reader, reader.node(top, 'diff') ?? reader.keyNode(top, 'diff'))
    : { ...DEFAULT_DIFF }
  const policy = reader.has(top, 'policy')
    ? readPolicy(reader, reader.node(top, 'policy') ?? reader.keyNode(top, 'policy'), 'policy')
    : { rules: {} }
  return { defaults, entries, diff, policy }
}

function readPolicy(reader: YamlReader, item: Node | undefined, what: string): PolicySettings {
  const node = reader.map(item, what)
  reader.checkKeys(node, POLICY_KEYS, what)
  const rules: PolicySettings['rules'] = {}
  if (reader.has(node, 'rules')) {
    const map = reader.map(
      reader.node(node, 'rules') ?? reader.keyNode(node, 'rules'),
      `${what}.rules`
    )
    reader.checkKeys(map, POLICY_RULES, `${what}.rules`)
    for (const rule of POLICY_RULES) {
      const value = reader.node(map, rule)
      if (value === undefined) continue
      // `off` is a boolean in YAML 1.1 readers; accept both spellings.
      const setting =
        isScalar(value) && value.value === false ? 'off' : isScalar(value) ? value.value : undefined
      if (setting !== 'error' && setting !== 'warning' && setting !== 'off')
        reader.fail(value, `${what}.rules.${rule} must be error, warning or off`)
      rules[rule] = setting
    }
  }
  return { rules, requireDigest: reader.boolean(node, 'requireDigest', what) }
}

function readDiff(reader: YamlReader, item: Node | undefined): DiffSettings {
  const node = reader.map(item, 'diff')
  reader.checkKeys(node, DIFF_KEYS, 'diff')
  const contextNode = reader.node(node, 'context')
  if (
    contextNode !== undefined &&
    (!isScalar(contextNode) ||
      !Number.isInteger(contextNode.value) ||
      (contextNode.value as number) < 0)
  ) {
    reader.fail(contextNode, 'diff.context must be a whole number of lines (0 or more)')
  }
  const ignoreNode = reader.has(node, 'ignore')
    ? reader.seq(reader.node(node, 'ignore') ?? reader.keyNode(node, 'ignore'), 'diff.ignore')
    : undefined
  const ignore = (ignoreNode?.items ?? []).map((entry, index) => {
    const what = `diff.ignore[${index}]`
    const rule = reader.map(entry, what)
    reader.checkKeys(rule, IGNORE_KEYS, what)
    const jsonPointers = reader.stringList(rule, 'jsonPointers', what)
    if (!jsonPointers || jsonPointers.length === 0)
      reader.fail(rule, `${what}: missing "jsonPointers" (a list like [/spec/replicas])`)
    const pointerNodes = (reader.node(rule, 'jsonPointers') as unknown as { items: Node[] }).items
    jsonPointers.forEach((pointer, i) => {
      if (!pointer.startsWith('/'))
        reader.fail(
          pointerNodes[i],
          `${what}.jsonPointers: ${JSON.stringify(pointer)} is not a JSON pointer (it must start with /)`
        )
    })
    const groupNode = reader.node(rule, 'group')
    if (groupNode !== undefined && (!isScalar(groupNode) || typeof groupNode.value !== 'string')) {
      reader.fail(groupNode, `${what}.group must be a string ("" for the core group)`)
    }
    return {
      group: isScalar(groupNode) ? (groupNode.value as string) : undefined,
      kind: reader.string(rule, 'kind', what),
      name: reader.string(rule, 'name', what),
      namespace: reader.string(rule, 'namespace', what),
      jsonPointers
    }
  })
  return {
    context: isScalar(contextNode) ? (contextNode.value as number) : DEFAULT_DIFF.context,
    noise: reader.boolean(node, 'noise', 'diff') ?? DEFAULT_DIFF.noise,
    ignore
  }
}

function readTargetEntry(reader: YamlReader, item: Node, what: string): TargetEntry {
  const node = reader.map(item, what)
  reader.checkKeys(node, TARGET_KEYS, what)
  const entry: TargetEntry = {
    location: reader.locate(node),
    node,
    name: reader.string(node, 'name', what),
    env: reader.string(node, 'env', what),
    source: reader.string(node, 'source', what),
    discover: reader.string(node, 'discover', what),
    path: reader.string(node, 'path', what),
    type: reader.oneOf(node, 'type', TYPES, what),
    branch: reader.string(node, 'branch', what),
    layout: reader.oneOf(node, 'layout', LAYOUTS, what),
    prune: reader.boolean(node, 'prune', what),
    allowSecrets: reader.boolean(node, 'allowSecrets', what)
  }
  if (entry.source !== undefined && entry.discover !== undefined) {
    reader.fail(
      reader.keyNode(node, 'discover'),
      `${what}: use either "source" or "discover", not both`
    )
  }
  if (reader.has(node, 'helm'))
    entry.helm = readHelm(
      reader,
      reader.node(node, 'helm') ?? reader.keyNode(node, 'helm'),
      `${what}.helm`
    )
  if (reader.has(node, 'policy'))
    entry.policy = readPolicy(
      reader,
      reader.node(node, 'policy') ?? reader.keyNode(node, 'policy'),
      `${what}.policy`
    )
  if (reader.has(node, 'kustomize')) {
    entry.kustomize = readKustomize(
      reader,
      reader.node(node, 'kustomize') ?? reader.keyNode(node, 'kustomize'),
      `${what}.kustomize`
    )
  }
  const remote = entry.helm?.repo !== undefined || entry.helm?.chart !== undefined
  if (entry.source === undefined && entry.discover === undefined && !remote) {
    reader.fail(
      node,
      `${what}: missing "source" (a directory), "discover" (a pattern) or a remote chart (helm.repo/helm.chart)`
    )
  }
  if (remote && (entry.source !== undefined || entry.discover !== undefined)) {
    reader.fail(
      reader.keyNode(node, 'helm'),
      `${what}: a remote chart (helm.repo/helm.chart) takes no "source" or "discover"`
    )
  }
  if (entry.type && entry.type !== 'helm' && entry.helm)
    reader.fail(reader.keyNode(node, 'helm'), `${what}: helm options need type: helm`)
  if (entry.type && entry.type !== 'kustomize' && entry.kustomize) {
    reader.fail(
      reader.keyNode(node, 'kustomize'),
      `${what}: kustomize options need type: kustomize`
    )
  }
  return entry
}

function readHelm(reader: YamlReader, item: Node | undefined, what: string): HelmOptions {
  const node = reader.map(item, what)
  reader.checkKeys(node, HELM_KEYS, what)
  let values: Record<string, unknown> | undefined
  if (reader.has(node, 'values')) {
    // toJS with the document resolves aliases (`*defaults`) to their values.
    values = reader
      .map(reader.node(node, 'values') ?? reader.keyNode(node, 'values'), `${what}.values`)
      .toJS(reader.document, { maxAliasCount: 100 }) as Record<string, unknown>
  }
  const helm: HelmOptions = {
    releaseName: reader.string(node, 'releaseName', what),
    namespace: reader.string(node, 'namespace', what),
    valueFiles: reader.stringList(node, 'valueFiles', what) ?? [],
    values,
    includeCRDs: reader.boolean(node, 'includeCRDs', what) ?? false,
    skipTests: reader.boolean(node, 'skipTests', what) ?? true,
    kubeVersion: reader.stringish(node, 'kubeVersion', what),
    apiVersions: reader.stringList(node, 'apiVersions', what) ?? [],
    repo: reader.string(node, 'repo', what),
    chart: reader.string(node, 'chart', what),
    version: reader.stringish(node, 'version', what),
    plainHttp: reader.boolean(node, 'plainHttp', what) ?? false
  }
  const valueFilesNode = reader.node(node, 'valueFiles')
  helm.valueFiles.forEach((file, index) => {
    const normalized = path.posix.normalize(file)
    if (path.isAbsolute(file) || normalized === '..' || normalized.startsWith('../')) {
      const item =
        valueFilesNode && 'items' in valueFilesNode
          ? (valueFilesNode.items as Node[])[index]
          : valueFilesNode
      reader.fail(item, `value file ${file} escapes the repository (value files are repo-relative)`)
    }
  })
  if (helm.releaseName !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(helm.releaseName)) {
    reader.fail(
      reader.node(node, 'releaseName'),
      `${what}.releaseName must be a lower-case DNS label (got ${JSON.stringify(helm.releaseName)})`
    )
  }
  if (helm.repo !== undefined && helm.chart === undefined)
    reader.fail(reader.keyNode(node, 'repo'), `${what}: "repo" needs "chart"`)
  if (helm.repo !== undefined && !/^https?:\/\//.test(helm.repo)) {
    reader.fail(
      reader.node(node, 'repo'),
      `${what}.repo must be an http(s):// chart repository URL (use chart: oci://… for OCI)`
    )
  }
  if (helm.chart !== undefined && helm.repo === undefined && !helm.chart.startsWith('oci://')) {
    reader.fail(
      reader.node(node, 'chart'),
      `${what}.chart needs "repo", or must be an oci:// reference`
    )
  }
  if (helm.chart !== undefined && helm.version === undefined) {
    reader.fail(
      reader.keyNode(node, 'chart'),
      `${what}: a remote chart needs a pinned "version" (floating charts are not reproducible)`
    )
  }
  return helm
}

function readKustomize(reader: YamlReader, item: Node | undefined, what: string): KustomizeOptions {
  const node = reader.map(item, what)
  reader.checkKeys(node, KUSTOMIZE_KEYS, what)
  return {
    enableHelm: reader.boolean(node, 'enableHelm', what) ?? false,
    loadRestrictor:
      reader.oneOf(node, 'loadRestrictor', ['rootOnly', 'none'] as const, what) ?? 'rootOnly',
    allowRemoteBases: reader.boolean(node, 'allowRemoteBases', what) ?? false,
    allowOutsideReads: reader.boolean(node, 'allowOutsideReads', what) ?? false
  }
}

/** Turns one entry into targets: itself, or one per directory its `discover` pattern matches. */
function expandEntry(
  root: string,
  reader: YamlReader | undefined,
  entry: TargetEntry,
  defaults: Defaults
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
    const found = discoverSources(root, entry.discover)
    if (found.length === 0) {
      if (!reader) {
        throw new ConfigError(
          { file: CONFIG_FILE_NAMES[0] as string },
          `no hydrate.yaml and no directory matches the zero-config default "${ZERO_CONFIG_DISCOVER}"; add a hydrate.yaml (see README)`
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
    const absolute = path.join(root, source)
    if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory())
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

  const type =
    entry.type ?? (entry.helm?.chart ? 'helm' : detectSourceType(path.join(root, source ?? '')))
  if (
    type === 'helm' &&
    source !== undefined &&
    !fs.existsSync(path.join(root, source, 'Chart.yaml'))
  ) {
    fail(`type helm needs a Chart.yaml in ${source}`, 'type')
  }
  if (type === 'kustomize' && source !== undefined && !findKustomization(path.join(root, source))) {
    fail(`type kustomize needs a kustomization.yaml in ${source}`, 'type')
  }
  const helm = type === 'helm' ? (entry.helm ?? defaultHelmOptions()) : undefined
  if (helm) {
    for (const file of helm.valueFiles) {
      const checked = resolveInsideRepo(root, fill(file, 'helm', values))
      if (!checked.ok) fail(`value file ${checked.reason}`, 'helm')
      if (!fs.existsSync(path.join(root, checked.path)))
        fail(`value file ${file} does not exist`, 'helm')
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

export function findKustomization(dir: string): string | undefined {
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].find(name =>
    fs.existsSync(path.join(dir, name))
  )
}

export function detectSourceType(dir: string): SourceType {
  if (findKustomization(dir)) return 'kustomize'
  if (fs.existsSync(path.join(dir, 'Chart.yaml'))) return 'helm'
  return 'directory'
}

/** Checks across targets: unique names, unique branch+path, valid branch names. */
function validateTargets(root: string, targets: Target[]): void {
  const fail = (target: Target, message: string): never => {
    throw new ConfigError(target.location, message)
  }
  const byName = new Map<string, Target>()
  for (const target of targets) {
    const other = byName.get(target.name)
    if (other)
      fail(
        target,
        `duplicate target name ${JSON.stringify(target.name)} (also at ${describe(other)}); set "name" to tell them apart`
      )
    byName.set(target.name, target)
  }
  const byBranch = new Map<string, Target[]>()
  for (const target of targets) {
    const list = byBranch.get(target.branch) ?? []
    for (const other of list) {
      if (other.path === target.path) {
        fail(
          target,
          `targets ${other.name} and ${target.name} both write ${target.branch}:${target.path}; give one a different "path" or "branch"`
        )
      }
      if (target.path.startsWith(`${other.path}/`) || other.path.startsWith(`${target.path}/`)) {
        fail(
          target,
          `target ${target.name} writes ${target.branch}:${target.path}, which nests with ${other.name}'s ${other.path}`
        )
      }
    }
    list.push(target)
    byBranch.set(target.branch, list)
  }
  for (const [branch, list] of byBranch) {
    const problem = branchNameProblem(root, branch)
    if (problem)
      fail(list[0] as Target, `invalid branch name ${JSON.stringify(branch)}: ${problem}`)
  }
  // git keeps refs as paths: refs/heads/deploy and refs/heads/deploy/dev cannot both exist.
  const branches = [...byBranch.keys()].sort()
  for (const branch of branches) {
    const parent = branches.find(other => branch.startsWith(`${other}/`))
    if (parent) {
      const target = (byBranch.get(branch) as Target[])[0] as Target
      const other = (byBranch.get(parent) as Target[])[0] as Target
      fail(
        target,
        `branch ${JSON.stringify(branch)} of target ${target.name} cannot exist next to branch ${JSON.stringify(parent)} of target ${other.name} (at ${describe(other)}): git stores a branch inside the other's name; rename one`
      )
    }
  }
}

/**
 * A branch name git accepts for `git branch` (check-ref-format --branch semantics) without
 * its expansions: `@{-1}` or `@{upstream}` would name another branch, or none.
 */
function branchNameProblem(root: string, branch: string): string | undefined {
  if (branch.includes('@{') || branch === '@')
    return "it uses git's @{…} revision syntax, which is not a branch name"
  if (branch.startsWith('-')) return 'a branch name cannot start with "-"'
  if (branch === 'HEAD') return 'HEAD is not a branch name'
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/${branch}`], {
      stdio: 'ignore',
      cwd: root
    })
  } catch {
    return 'git check-ref-format rejects it (no "..", "~", "^", ":", "?", "*", "[", "\\", spaces, control characters, components starting with "." or ending in ".lock")'
  }
  return undefined
}

function describe(target: Target): string {
  const { file, line, column } = target.location
  return line ? `${file}:${line}:${column}` : file
}
