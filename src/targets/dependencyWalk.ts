import fs from 'node:fs'
import path from 'node:path'
import type { JsonObject } from '../manifests/resource.js'
import { isKustomizeRemote } from '../security/kustomizeRemote.js'
import { findKustomization } from '../sources/kind.js'
import type { TargetDependencies } from './dependencies.js'

// The walk over what one target reads: paths resolved against the repository (remote and
// outside references recorded, symlinks followed to where they lead), files and directories
// added. The kustomize and helm halves (kustomizeDependencies.ts, helmDependencies.ts) name
// what to add.

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

/** One target's walk: what it has found so far, and the state shared across its steps. */
export class DependencyWalk {
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
  /** Real kustomization directories already read. */
  readonly visited = new Set<string>()
  private readonly walked = new Set<string>()
  private readonly realRoot: string

  constructor(
    readonly repoRoot: string,
    /** Parsed kustomization files, shared across targets (overlays share their bases). */
    readonly parsed: Map<string, JsonObject | undefined>,
    readonly facts: FileFacts
  ) {
    this.realRoot = facts.realpath(repoRoot)
  }

  /** Resolves a path written in a file under `dir` to a repo-relative path, or records why not. */
  resolve(dir: string, ref: string, field: string): string | undefined {
    if (isKustomizeRemote(ref)) {
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
  real(relative: string): string | undefined {
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
  addFile(relative: string): void {
    this.deps.files.add(relative)
    const real = this.real(relative)
    if (real !== undefined) this.deps.files.add(real)
  }

  /** A directory read as a whole; `follow`: the tool follows symlinks inside it (helm). */
  addDirectory(relative: string, follow: boolean): void {
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

  isDirectory(relative: string): boolean {
    return this.facts.isDirectory(path.join(this.repoRoot, relative))
  }
}

function isLink(absolute: string): boolean {
  try {
    return fs.lstatSync(absolute).isSymbolicLink()
  } catch {
    return false
  }
}
