import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { findKustomization } from '../config/load.js'
import type { Target } from '../config/types.js'
import { fileDependencies, isVendored, readDependencies } from '../render/helm.js'

/**
 * What a target reads: repo-relative files and directories (a change below a directory
 * counts). `unresolved` says why the index cannot tell (remote bases, remote charts,
 * unparseable files): such a target is always treated as affected.
 */
export interface TargetDependencies {
  files: Set<string>
  directories: Set<string>
  unresolved: string[]
  /** References that leave the repository (absolute or `..`), as written: `dir: field ref`. */
  outside: Reference[]
  /** Remote bases and charts kustomize would fetch. */
  remote: Reference[]
  /** Repo-relative kustomization files read, in visiting order. */
  kustomizations: string[]
}

/** A path or URL a kustomization names, with where it is named. */
export interface Reference {
  /** Repo-relative directory of the kustomization that names it. */
  dir: string
  field: string
  ref: string
}

export type Obj = Record<string, unknown>

const REMOTE =
  /^(https?:\/\/|git@|ssh:\/\/|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/|oci:\/\/)/

function posix(p: string): string {
  return p.split(path.sep).join('/')
}

class DependencyCollector {
  readonly deps: TargetDependencies = {
    files: new Set(),
    directories: new Set(),
    unresolved: [],
    outside: [],
    remote: [],
    kustomizations: []
  }
  private readonly visited = new Set<string>()

  constructor(
    private readonly repoRoot: string,
    /** Parsed kustomization files, shared across targets (overlays share their bases). */
    private readonly parsed: Map<string, Obj | undefined>
  ) {}

  /** Resolves a path written in a file under `dir` to a repo-relative path, or records why not. */
  private resolve(dir: string, ref: string, field: string): string | undefined {
    if (REMOTE.test(ref) || /^[a-z0-9.-]+\.[a-z]{2,}\/.+\?ref=/.test(ref)) {
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

  private isDirectory(relative: string): boolean {
    try {
      return fs.statSync(path.join(this.repoRoot, relative)).isDirectory()
    } catch {
      return false
    }
  }

  /** A file or directory reference: directories with a kustomization are followed. */
  private addReference(dir: string, ref: unknown, field: string): void {
    if (typeof ref !== 'string' || ref === '' || ref.includes('\n')) return
    const resolved = this.resolve(dir, ref, field)
    if (resolved === undefined) return
    if (this.isDirectory(resolved)) {
      if (findKustomization(path.join(this.repoRoot, resolved))) this.kustomization(resolved)
      else this.deps.directories.add(resolved)
    } else {
      this.deps.files.add(resolved)
    }
  }

  /** Every field of a kustomization that names a file, a directory or a remote. */
  kustomization(dir: string): void {
    if (this.visited.has(dir)) return
    this.visited.add(dir)
    const file = findKustomization(path.join(this.repoRoot, dir))
    if (!file) {
      this.deps.unresolved.push(`${dir}: no kustomization file`)
      return
    }
    const kustomizationPath = dir ? `${dir}/${file}` : file
    this.deps.files.add(kustomizationPath)
    this.deps.kustomizations.push(kustomizationPath)
    if (!this.parsed.has(kustomizationPath)) {
      try {
        this.parsed.set(
          kustomizationPath,
          (parse(fs.readFileSync(path.join(this.repoRoot, kustomizationPath), 'utf8')) ?? {}) as Obj
        )
      } catch {
        this.parsed.set(kustomizationPath, undefined)
      }
    }
    const k = this.parsed.get(kustomizationPath)
    if (!k) {
      this.deps.unresolved.push(`${kustomizationPath} does not parse`)
      return
    }
    const list = (value: unknown): unknown[] =>
      Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
    for (const field of [
      'resources',
      'bases',
      'components',
      'crds',
      'configurations',
      'generators',
      'transformers',
      'validators'
    ]) {
      for (const ref of list(k[field])) this.addReference(dir, ref, field)
    }
    for (const patch of list(k.patchesStrategicMerge))
      this.addReference(dir, patch, 'patchesStrategicMerge')
    for (const field of ['patches', 'patchesJson6902', 'replacements']) {
      for (const entry of list(k[field]))
        if (entry && typeof entry === 'object') this.addReference(dir, (entry as Obj).path, field)
    }
    if (k.openapi && typeof k.openapi === 'object')
      this.addReference(dir, (k.openapi as Obj).path, 'openapi')
    for (const field of ['configMapGenerator', 'secretGenerator']) {
      for (const generator of list(k[field])) {
        if (!generator || typeof generator !== 'object') continue
        const g = generator as Obj
        for (const entry of list(g.files))
          if (typeof entry === 'string')
            this.addReference(dir, entry.slice(entry.indexOf('=') + 1), `${field}.files`)
        for (const env of [...list(g.envs), ...list(g.env)])
          this.addReference(dir, env, `${field}.envs`)
      }
    }
    const helmCharts = list(k.helmCharts)
    if (helmCharts.length > 0) {
      const globals = (k.helmGlobals ?? {}) as Obj
      const chartHome = typeof globals.chartHome === 'string' ? globals.chartHome : 'charts'
      for (const chart of helmCharts) {
        if (!chart || typeof chart !== 'object') continue
        const c = chart as Obj
        const local =
          c.name !== undefined && this.resolve(dir, `${chartHome}/${String(c.name)}`, 'helmCharts')
        if (local && this.isDirectory(local)) this.helmChart(local)
        else if (c.repo !== undefined)
          this.deps.unresolved.push(
            `${kustomizationPath}: remote helm chart ${String(c.repo)} ${String(c.name)}`
          )
        else if (local) this.deps.directories.add(local)
        for (const values of [c.valuesFile, ...list(c.additionalValuesFiles)])
          this.addReference(dir, values, 'helmCharts values')
      }
    }
  }

  /** A local chart: its directory, its file:// dependencies, and remote dependencies are unresolved. */
  helmChart(dir: string): void {
    this.deps.directories.add(dir)
    for (const dependency of fileDependencies(this.repoRoot, dir))
      this.deps.directories.add(dependency)
    for (const chartDir of [dir, ...fileDependencies(this.repoRoot, dir)]) {
      const absolute = path.join(this.repoRoot, chartDir)
      let dependencies: ReturnType<typeof readDependencies>
      try {
        dependencies = readDependencies(absolute)
      } catch {
        this.deps.unresolved.push(`${chartDir}/Chart.yaml does not parse`)
        continue
      }
      for (const d of dependencies) {
        if (d.repository && !d.repository.startsWith('file://') && !isVendored(absolute, d)) {
          this.deps.unresolved.push(
            `${chartDir}: remote chart dependency ${d.name} from ${d.repository}`
          )
        }
      }
    }
  }
}

/** Everything a target's render reads (DESIGN §13). Pass one `parsed` map for many targets. */
export function targetDependencies(
  repoRoot: string,
  target: Target,
  parsed = new Map<string, Obj | undefined>()
): TargetDependencies {
  const collector = new DependencyCollector(repoRoot, parsed)
  const { deps } = collector
  if (target.type === 'helm') {
    if (target.source === undefined)
      deps.unresolved.push(`remote chart ${target.helm?.chart ?? ''}`)
    else collector.helmChart(target.source)
    for (const file of target.helm?.valueFiles ?? []) deps.files.add(file)
  } else if (target.type === 'kustomize') {
    collector.kustomization(target.source ?? '')
  } else {
    deps.directories.add(target.source ?? '')
  }
  return deps
}

export function dependsOn(deps: TargetDependencies, file: string): boolean {
  if (deps.files.has(file)) return true
  for (const dir of deps.directories)
    if (dir === '' || file === dir || file.startsWith(`${dir}/`)) return true
  return false
}
