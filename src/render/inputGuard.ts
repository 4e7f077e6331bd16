import fs from 'node:fs'
import path from 'node:path'
import { isGitDirectory } from '../config/paths.js'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import type { Reference, TargetDependencies } from '../targets/dependencies.js'
import { readDependencies } from './helm.js'

/** Never readable, whatever a target allows: the runner's process and device files. */
const SYSTEM_PREFIXES = ['/proc', '/sys', '/dev']

function isUnder(prefix: string, file: string): boolean {
  return file === prefix || file.startsWith(prefix.endsWith(path.sep) ? prefix : prefix + path.sep)
}

/**
 * Checks, before a render starts, that everything it will read stays inside the repository
 * (symlinks resolved), outside `.git`, and that remote bases were opted into. A pull
 * request's chart or kustomization is hostile: a symlink to /proc/self/environ or to
 * .git/config would otherwise be rendered into a comment or a branch.
 */
export class InputGuard {
  private readonly realRoot: string
  private readonly walked = new Set<string>()

  constructor(
    private readonly repoRoot: string,
    private readonly target: Target
  ) {
    this.realRoot = fs.realpathSync(repoRoot)
  }

  private get allowOutside(): boolean {
    return this.target.kustomize?.allowOutsideReads === true
  }

  private fail(message: string): never {
    throw new RenderError(this.target.name, message)
  }

  /** Why an absolute, resolved path may not be read, or undefined when it may. */
  private refusal(real: string): string | undefined {
    if (isGitDirectory(this.realRoot, real)) return "inside the repository's .git directory"
    if (isUnder(this.realRoot, real)) return undefined
    if (SYSTEM_PREFIXES.some(prefix => isUnder(prefix, real)))
      return 'a system path, never readable'
    return this.allowOutside
      ? undefined
      : 'outside the repository (kustomize.allowOutsideReads is not set)'
  }

  /** Where a path really leads; a dangling link is judged by the path it names. */
  private realPath(absolute: string): string {
    try {
      return fs.realpathSync(absolute)
    } catch {
      const parent = path.dirname(absolute)
      if (parent === absolute) return absolute
      let link: string
      try {
        link = fs.readlinkSync(absolute)
      } catch {
        return path.join(this.realPath(parent), path.basename(absolute))
      }
      return path.resolve(this.realPath(parent), link)
    }
  }

  private relative(absolute: string): string {
    return path.relative(this.repoRoot, absolute).split(path.sep).join('/') || '.'
  }

  /** One file or directory the render reads: refused when it leads somewhere it may not. */
  checkPath(relative: string): void {
    const absolute = path.join(this.repoRoot, relative)
    const real = this.realPath(absolute)
    const why = this.refusal(real)
    if (!why) return
    const shown = this.relative(absolute)
    this.fail(
      real === absolute
        ? `${shown} is ${why}; a render reads only files inside the repository`
        : `${shown} resolves to ${real}, ${why}; a render reads only files inside the repository`
    )
  }

  /** Every entry below a directory, symlinks resolved; links to directories are followed. */
  walk(relative: string): void {
    const absolute = path.join(this.repoRoot, relative)
    this.checkPath(relative)
    let real: string
    try {
      real = fs.realpathSync(absolute)
    } catch {
      return // missing: the tool reports it
    }
    if (this.walked.has(real)) return
    this.walked.add(real)
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true })
    } catch {
      return // a file, not a directory
    }
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isSymbolicLink()) {
        this.checkPath(child)
        if (fs.statSync(path.join(this.repoRoot, child), { throwIfNoEntry: false })?.isDirectory())
          this.walk(child)
      } else if (entry.isDirectory() && entry.name !== '.git') {
        this.walk(child)
      }
    }
  }

  /** A chart's `file://` dependencies must stay inside the repository too. */
  checkChart(relative: string): void {
    let dependencies: ReturnType<typeof readDependencies>
    try {
      dependencies = readDependencies(path.join(this.repoRoot, relative))
    } catch {
      return // no or unreadable Chart.yaml: helm reports it
    }
    for (const d of dependencies) {
      if (!d.repository?.startsWith('file://')) continue
      const real = this.realPath(
        path.resolve(this.repoRoot, relative, d.repository.slice('file://'.length))
      )
      const why = this.refusal(real)
      if (why || !isUnder(this.realRoot, real))
        this.fail(
          `${relative}/Chart.yaml: dependency ${d.name} (${d.repository}) is ${why ?? 'outside the repository'}`
        )
    }
  }

  private checkReferences(refs: readonly Reference[], remote: boolean): void {
    for (const ref of refs) {
      const where = `${ref.dir || '.'}: ${ref.field} ${ref.ref}`
      if (remote) {
        if (this.target.kustomize?.allowRemoteBases) continue
        this.fail(
          `${where} is a remote base; set kustomize.allowRemoteBases: true on the target to fetch it`
        )
      }
      const real = this.realPath(path.resolve(this.repoRoot, ref.dir, ref.ref))
      const why = this.refusal(real)
      if (why) this.fail(`${where} resolves to ${real}, ${why}`)
    }
  }

  /** Everything `deps` names for this target. */
  check(deps: TargetDependencies): void {
    if (this.target.source !== undefined) this.checkPath(this.target.source)
    this.checkReferences(deps.remote, true)
    this.checkReferences(deps.outside, false)
    for (const file of deps.files) this.checkPath(file)
    for (const dir of deps.directories) {
      this.walk(dir)
      this.checkChart(dir)
    }
  }
}
