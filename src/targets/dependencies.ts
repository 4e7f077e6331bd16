/* eslint-disable max-lines -- split pending (issue 24) */
import fs from 'node:fs'
import path from 'node:path'
import { getErrorMessage } from '../errors.js'
import { nestedKustomizations } from '../sources/directory.js'
import { findKustomization } from '../sources/kind.js'
import { fieldsWrittenTwice, parseKustomization } from '../sources/kustomizationFields.js'
import {
  helmChartsOf,
  inflationValues,
  kustomizationPaths,
  type InflatedChart,
  pluginConfigPaths,
  pluginEntries
} from '../sources/kustomization.js'
import type { KustomizeEdits, Target } from '../config/types.js'
import { fileDependencies, isVendored, readDependencies } from '../sources/chart.js'
import {
  dependencyChart,
  isExactVersion,
  isPinned,
  lockedVersions,
  lockKey,
  notPinnedReason,
  type RemoteChart
} from '../sources/remoteChart.js'

/**
 * What a target reads: repo-relative files and directories (a change below a directory
 * counts). `unresolved` says why the index cannot tell (remote bases, remote charts,
 * unparseable files): such a target is always treated as affected.
 */
export interface TargetDependencies {
  files: Set<string>
  directories: Set<string>
  unresolved: string[]
  /**
   * Remote charts not pinned to an exact version (or an OCI digest): what they render may
   * change without any change to the repository, so the target is always affected. A pinned
   * remote chart is an immutable input, changed only through the file that names it.
   */
  unpinned: string[]
  /** References that leave the repository (absolute or `..`), as written: `dir: field ref`. */
  outside: Reference[]
  /** Remote bases and charts kustomize would fetch. */
  remote: Reference[]
  /** Settings no render may use (a helm home: plugins would run). */
  refused: Reference[]
  /** Repo-relative kustomization files read, in visiting order. */
  kustomizations: string[]
  /**
   * What the index read to find the rest (kustomization and plugin config files, whole
   * chart directories): a change to one of these may change the dependencies themselves.
   */
  structure: { files: Set<string>; directories: Set<string> }
}

/** A path or URL a kustomization names, with where it is named. */
export interface Reference {
  /** Repo-relative directory of the kustomization that names it. */
  dir: string
  field: string
  ref: string
  /** Why it is refused (`refused` only); default: a helm home. */
  why?: string
}

import type { JsonObject as Obj } from '../manifests/resource.js'

export type { Obj }

/** Go's url.Parse lower-cases a scheme: `HTTP://` is remote too. */
const REMOTE =
  /^(https?:\/\/|git@|ssh:\/\/|git::|file:|github\.com\/|gitlab\.com\/|bitbucket\.org\/|oci:\/\/)/i

/**
 * What the index asks the file system (real paths, directories, kustomization files), asked
 * once: overlays share their bases, so the same paths come up for every target. Share one
 * across the targets of a step in which no file changes.
 */
export class FileFacts {
  private readonly realPaths = new Map<string, string | NodeJS.ErrnoException>()
  private readonly directories = new Map<string, boolean>()
  private readonly kustomizationFiles = new Map<string, string | undefined>()

  /** fs.realpathSync (one realpath(3) call); throws what it threw. */
  realpath(absolute: string): string {
    let real = this.realPaths.get(absolute)
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(absolute)
      } catch (error) {
        real = error as NodeJS.ErrnoException
      }
      this.realPaths.set(absolute, real)
    }
    if (typeof real !== 'string') throw real
    return real
  }

  isDirectory(absolute: string): boolean {
    let answer = this.directories.get(absolute)
    if (answer === undefined) {
      try {
        answer = fs.statSync(absolute).isDirectory()
      } catch {
        answer = false
      }
      this.directories.set(absolute, answer)
    }
    return answer
  }

  kustomizationFile(absoluteDir: string): string | undefined {
    if (!this.kustomizationFiles.has(absoluteDir))
      this.kustomizationFiles.set(absoluteDir, findKustomization(absoluteDir))
    return this.kustomizationFiles.get(absoluteDir)
  }
}

function posix(p: string): string {
  return p.split(path.sep).join('/')
}

class DependencyCollector {
  readonly deps: TargetDependencies = {
    files: new Set(),
    directories: new Set(),
    unresolved: [],
    unpinned: [],
    outside: [],
    remote: [],
    refused: [],
    kustomizations: [],
    structure: { files: new Set(), directories: new Set() }
  }
  private readonly visited = new Set<string>()
  private readonly walked = new Set<string>()
  private readonly realRoot: string

  constructor(
    private readonly repoRoot: string,
    /** Parsed kustomization files, shared across targets (overlays share their bases). */
    private readonly parsed: Map<string, Obj | undefined>,
    private readonly facts: FileFacts
  ) {
    this.realRoot = facts.realpath(repoRoot)
  }

  /** Resolves a path written in a file under `dir` to a repo-relative path, or records why not. */
  private resolve(dir: string, ref: string, field: string): string | undefined {
    // kustomize reads `host/org/repo//dir` and `…?ref=` as repositories too.
    if (REMOTE.test(ref) || /^[a-z0-9.-]+\.[a-z]{2,}\/.+(\?ref=|\/\/)/i.test(ref)) {
      this.deps.unresolved.push(`${dir}: remote ${field} ${ref}`)
      this.deps.remote.push({ dir, field, ref })
      return undefined
    }
    const relative = posix(path.normalize(path.join(dir, ref)))
    if (path.isAbsolute(ref) || relative === '..' || relative.startsWith('../')) {
      this.deps.unresolved.push(`${dir}: ${field} ${ref} is outside the repository`)
      this.deps.outside.push({ dir, field, ref })
      return undefined
    }
    return relative === '.' ? '' : relative
  }

  /**
   * The repo-relative real path of `relative` (symlinks followed; a path that does not exist
   * yet resolves through its existing parent). Undefined, and recorded as unresolved, when it
   * leads outside the repository or through a dangling or looping symlink.
   */
  private real(relative: string): string | undefined {
    const rest: string[] = []
    let probe = relative
    for (;;) {
      try {
        const real = this.facts.realpath(path.join(this.repoRoot, probe))
        const inside = path.relative(this.realRoot, real)
        if (inside.startsWith('..') || path.isAbsolute(inside)) {
          this.deps.unresolved.push(`${relative} leads outside the repository`)
          return undefined
        }
        return [posix(inside), ...rest].filter(Boolean).join('/')
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if ((code !== 'ENOENT' && code !== 'ENOTDIR') || isLink(path.join(this.repoRoot, probe))) {
          this.deps.unresolved.push(`${relative}: cannot resolve its symlinks (${code ?? 'error'})`)
          return undefined
        }
        if (probe === '' || probe === '.') return relative
        rest.unshift(path.posix.basename(probe))
        probe = path.posix.dirname(probe)
        if (probe === '.') probe = ''
      }
    }
  }

  /**
   * A file the render reads: its path as written and its real path. A change to either
   * counts, and so does a change to a symlink on the way (see dependsOn).
   */
  private addFile(relative: string): void {
    this.deps.files.add(relative)
    const real = this.real(relative)
    if (real !== undefined) this.deps.files.add(real)
  }

  /** A directory read as a whole; `follow`: the tool follows symlinks inside it (helm). */
  private addDirectory(relative: string, follow: boolean): void {
    this.deps.directories.add(relative)
    const real = this.real(relative)
    if (real === undefined) return
    this.deps.directories.add(real)
    if (follow) this.followLinks(real)
  }

  /** Symlinks below a directory: what they point to is read too. */
  private followLinks(dir: string): void {
    if (this.walked.has(dir)) return
    this.walked.add(dir)
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(path.join(this.repoRoot, dir), { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const child = dir ? `${dir}/${entry.name}` : entry.name
      if (entry.name === '.git') continue
      if (entry.isDirectory()) this.followLinks(child)
      else if (entry.isSymbolicLink()) {
        const real = this.real(child)
        if (real === undefined) continue
        if (this.isDirectory(real)) this.addDirectory(real, true)
        else this.deps.files.add(real)
      }
    }
  }

  private isDirectory(relative: string): boolean {
    return this.facts.isDirectory(path.join(this.repoRoot, relative))
  }

  /** A file or directory reference: directories with a kustomization are followed. */
  private addReference(dir: string, ref: unknown, field: string): void {
    if (typeof ref !== 'string' || ref === '' || ref.includes('\n')) return
    const resolved = this.resolve(dir, ref, field)
    if (resolved === undefined) return
    if (this.isDirectory(resolved)) {
      if (this.facts.kustomizationFile(path.join(this.repoRoot, resolved)))
        this.kustomization(resolved)
      else this.addDirectory(resolved, false)
    } else {
      this.addFile(resolved)
    }
  }

  /** Every field of a kustomization that names a file, a directory or a remote. */
  kustomization(logical: string): void {
    // kustomize loads a kustomization from its real directory: relative references in it
    // resolve from there. The path as written still counts (a symlink on it may change).
    const dir = this.real(logical)
    if (dir === undefined) {
      this.deps.files.add(logical) // the input guard refuses where it leads
      return
    }
    if (dir !== logical) this.deps.files.add(logical)
    if (this.visited.has(dir)) return
    this.visited.add(dir)
    const file = this.facts.kustomizationFile(path.join(this.repoRoot, dir))
    if (!file) {
      this.deps.unresolved.push(`${dir}: no kustomization file`)
      return
    }
    const kustomizationPath = dir ? `${dir}/${file}` : file
    this.addFile(kustomizationPath)
    this.deps.structure.files.add(kustomizationPath)
    this.deps.kustomizations.push(kustomizationPath)
    if (!this.parsed.has(kustomizationPath)) {
      try {
        const text = fs.readFileSync(path.join(this.repoRoot, kustomizationPath), 'utf8')
        this.parsed.set(kustomizationPath, parseKustomization(text))
      } catch {
        this.parsed.set(kustomizationPath, undefined)
      }
    }
    const k = this.parsed.get(kustomizationPath)
    if (!k) {
      this.deps.unresolved.push(`${kustomizationPath} does not parse`)
      return
    }
    for (const field of fieldsWrittenTwice(k))
      this.deps.refused.push({
        dir,
        field,
        ref: kustomizationPath,
        why: 'is written twice (in two letter cases, or through a merge key); kustomize reads one of them'
      })
    for (const { field, ref } of kustomizationPaths(k)) this.addReference(dir, ref, field)
    for (const { field, entry } of pluginEntries(k)) this.pluginConfig(dir, entry, field)
    for (const { field, ref } of inflationValues(k)) this.addReference(dir, ref, field)
    const { charts, helmHomes } = helmChartsOf(k)
    for (const chart of charts) this.inflatedChart(dir, chart, 'helmCharts')
    for (const home of helmHomes) this.refuseHelmHome(dir, home)
  }

  /**
   * A chart kustomize inflates. Its whole chartHome is read (kustomize also looks in
   * `<name>-<version>/<name>` there); a `repo` is a remote fetch.
   */
  private inflatedChart(dir: string, chart: InflatedChart, field: string): void {
    const home = this.resolve(dir, chart.chartHome, `${field} chartHome`)
    if (home !== undefined && this.isDirectory(home)) this.addDirectory(home, true)
    if (chart.repo !== undefined) {
      const ref = String(chart.repo)
      // The input guard decides whether the fetch is allowed; the index, whether it can change.
      this.deps.remote.push({ dir, field: `${field} repo`, ref })
      if (typeof chart.name !== 'string' || typeof chart.repo !== 'string')
        this.deps.unresolved.push(`${dir || '.'}: remote helm chart ${ref} ${String(chart.name)}`)
      else this.remoteChart(inflatedRemote(chart.repo, chart.name, chart.version), dir)
      return
    }
    if (typeof chart.name !== 'string' || home === undefined) return
    const local = `${home ? `${home}/` : ''}${chart.name}`
    if (this.isDirectory(local)) this.helmChart(local)
    else this.addDirectory(local, false)
  }

  /** A helm home inside the repository would let its content install helm plugins: refused. */
  private refuseHelmHome(dir: string, home: string): void {
    this.deps.refused.push({ dir, field: 'helm home', ref: home })
  }

  /**
   * A `generators:`/`transformers:`/`validators:` entry: a file (or an inline document) of
   * builtin plugin configs, whose own `files`, `envs`, `path`, `valuesFile`, … name more
   * files, read relative to the kustomization.
   */
  private pluginConfig(dir: string, entry: string, field: string): void {
    let text: string | undefined
    if (entry.includes('\n')) {
      text = entry
    } else {
      this.addReference(dir, entry, field)
      const resolved = this.resolve(dir, entry, field)
      if (resolved === undefined || this.isDirectory(resolved)) return
      this.deps.structure.files.add(resolved)
      try {
        text = fs.readFileSync(path.join(this.repoRoot, resolved), 'utf8')
      } catch {
        return // missing: kustomize reports it
      }
    }
    const read = pluginConfigPaths(text)
    if (!read) {
      this.deps.unresolved.push(`${dir || '.'}: ${field} entry does not parse`)
      return
    }
    for (const { field: key, ref } of read.paths) this.addReference(dir, ref, `${field} ${key}`)
    for (const chart of read.charts) this.inflatedChart(dir, chart, field)
    for (const home of read.helmHomes) this.refuseHelmHome(dir, home)
  }

  file(relative: string): void {
    this.addFile(relative)
  }

  /** Argo CD's kustomize options add components and patch files, named from the source. */
  kustomizeEdits(dir: string, edits: KustomizeEdits): void {
    for (const component of edits.components)
      this.addReference(dir, component, 'components (Argo CD kustomize.components)')
    for (const patch of edits.patches) {
      const file = (patch as { path?: unknown } | null)?.path
      if (typeof file === 'string')
        this.addReference(dir, file, 'patches (Argo CD kustomize.patches)')
    }
  }

  /** The kustomization directories of a plain directory target, which kustomize builds. */
  nestedKustomizations(dir: string): void {
    let nested: string[]
    try {
      nested = nestedKustomizations(this.repoRoot, dir)
    } catch (error) {
      this.deps.unresolved.push(`${dir || '.'}: cannot list (${getErrorMessage(error)})`)
      return
    }
    for (const kustomization of nested) this.kustomization(kustomization)
  }

  directory(relative: string): void {
    this.addDirectory(relative, true)
  }

  /** A local chart: its directory, its file:// dependencies, and remote dependencies are unresolved. */
  helmChart(dir: string): void {
    this.addDirectory(dir, true)
    this.deps.structure.directories.add(dir)
    for (const dependency of fileDependencies(this.repoRoot, dir)) {
      this.addDirectory(dependency, true)
      this.deps.structure.directories.add(dependency)
    }
    for (const chartDir of [dir, ...fileDependencies(this.repoRoot, dir)]) {
      const absolute = path.join(this.repoRoot, chartDir)
      let dependencies: ReturnType<typeof readDependencies>
      try {
        dependencies = readDependencies(absolute)
      } catch {
        this.deps.unresolved.push(`${chartDir}/Chart.yaml does not parse`)
        continue
      }
      const locked = lockedVersions(absolute)
      for (const d of dependencies) {
        if (!d.repository || d.repository.startsWith('file://') || isVendored(absolute, d)) continue
        const remote = dependencyChart(d)
        if (remote === undefined) {
          this.deps.unresolved.push(
            `${chartDir}: remote chart dependency ${d.name} from ${d.repository}`
          )
          continue
        }
        // With a Chart.lock, `helm dependency build` fetches the locked version.
        const lockedVersion = locked.get(lockKey(d.name, d.repository))
        this.remoteChart(
          isExactVersion(lockedVersion) ? { ...remote, version: lockedVersion } : remote,
          chartDir
        )
      }
    }
  }

  /** A remote chart: pinned, it is named by a file already indexed; else always affected. */
  remoteChart(chart: RemoteChart, where: string): void {
    if (!isPinned(chart)) this.deps.unpinned.push(`${where || '.'}: ${notPinnedReason(chart)}`)
  }
}

/** A kustomize helmCharts entry as a remote chart: an oci:// repo holds the chart by name. */
function inflatedRemote(repo: string, name: string, version: unknown): RemoteChart {
  const pinned =
    typeof version === 'string' || typeof version === 'number' ? String(version) : undefined
  return repo.startsWith('oci://')
    ? { chart: `${repo.replace(/\/+$/, '')}/${name}`, version: pinned }
    : { repo, chart: name, version: pinned }
}

/**
 * Each target's dependencies in one tree, computed once: kustomizations and file system facts
 * are shared across targets (overlays share their bases). `recorded` holds dependencies known
 * to hold for this tree without reading it (docs/adr/0020); the rest are computed.
 */
export class DependencyIndex {
  private readonly parsed = new Map<string, Obj | undefined>()
  private readonly facts = new FileFacts()
  private readonly known = new Map<string, TargetDependencies>()

  constructor(
    readonly repoRoot: string,
    private readonly recorded: ReadonlyMap<string, TargetDependencies> = new Map()
  ) {}

  /** The target's dependencies; treat as read-only (they are shared). */
  of(target: Target): TargetDependencies {
    let deps = this.known.get(target.name)
    if (!deps) {
      deps =
        this.recorded.get(target.name) ??
        targetDependencies(this.repoRoot, target, this.parsed, this.facts)
      this.known.set(target.name, deps)
    }
    return deps
  }
}

/** Everything a target's render reads (docs/adr/0005). Pass one `parsed` map for many targets. */
export function targetDependencies(
  repoRoot: string,
  target: Target,
  parsed = new Map<string, Obj | undefined>(),
  facts = new FileFacts()
): TargetDependencies {
  const collector = new DependencyCollector(repoRoot, parsed, facts)
  const { deps } = collector
  // An Argo CD Application's manifest holds its options: a change to it is a change to the target.
  for (const file of target.definedBy ?? []) collector.file(file)
  if (target.type === 'helm') {
    // A remote chart is named in hydrate.yaml, whose every change affects all targets.
    if (target.source === undefined)
      collector.remoteChart(
        { repo: target.helm?.repo, chart: target.helm?.chart ?? '', version: target.helm?.version },
        target.location.file
      )
    else collector.helmChart(target.source)
    for (const file of target.helm?.valueFiles ?? []) collector.file(file)
    // Argo CD's helm.fileParameters are read like value files.
    for (const parameter of target.helm?.fileParameters ?? []) collector.file(parameter.path)
  } else if (target.type === 'kustomize') {
    collector.kustomization(target.source ?? '')
    if (target.kustomize?.edits)
      collector.kustomizeEdits(target.source ?? '', target.kustomize.edits)
  } else if (target.directory) {
    // An Argo CD directory source reads its files as they are: no kustomize builds.
    collector.directory(target.source ?? '')
  } else {
    // Plain directories: the renderer follows symlinks that stay inside the repository.
    collector.directory(target.source ?? '')
    // Its kustomization directories may read files outside it (`resources: [../../base]`).
    collector.nestedKustomizations(target.source ?? '')
  }
  return deps
}

/**
 * Does a change to `file` (a path from `git diff`) reach the target? Yes when it is a file
 * the target reads, lies in a directory it reads, or is a symlink (or file turned directory)
 * on the way to one of them.
 */
export function dependsOn(deps: TargetDependencies, file: string): boolean {
  if (deps.files.has(file)) return true
  for (const dir of deps.directories)
    if (dir === '' || file === dir || file.startsWith(`${dir}/`)) return true
  const below = `${file}/`
  for (const dep of deps.files) if (dep.startsWith(below)) return true
  for (const dir of deps.directories) if (dir.startsWith(below)) return true
  return false
}

/**
 * Could a change to `file` make the target read something else? When it reaches what the
 * index read to find the dependencies (kustomizations, plugin configs, charts), anything the
 * target reads (a symlink on the way, a missing file that appears, a file turned directory),
 * or a directory the index looked for a kustomization file in. Errs toward yes.
 */
export function mayChangeDependencies(deps: TargetDependencies, file: string): boolean {
  if (changesStructure(deps, file) || dependsOn(deps, file)) return true
  for (const dep of deps.files) if (file.startsWith(`${dep}/`)) return true
  const parent = path.posix.dirname(file)
  const dir = parent === '.' ? '' : parent
  for (const structure of deps.structure.files)
    if (path.posix.dirname(structure) === (dir || '.')) return true
  return false
}

/** Does a change to `file` reach what the index read to find a target's dependencies? */
export function changesStructure(deps: TargetDependencies, file: string): boolean {
  if (deps.structure.files.has(file)) return true
  for (const dir of deps.structure.directories)
    if (dir === '' || file === dir || file.startsWith(`${dir}/`)) return true
  return false
}

function isLink(absolute: string): boolean {
  try {
    return fs.lstatSync(absolute).isSymbolicLink()
  } catch {
    return false
  }
}
