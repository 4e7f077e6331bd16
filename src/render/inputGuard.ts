import fs from 'node:fs'
import path from 'node:path'
import { isGitDirectory } from '../config/paths.js'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import type { Reference, TargetDependencies } from '../targets/dependencies.js'
import { archiveFiles } from '../sources/chartArchive.js'
import { declaredDependencies } from '../sources/chartDependencyFiles.js'
import { isGitEntry } from './gitFreeCopy.js'
import { RemoteAllowList } from '../security/remoteAllow.js'
import { followedStat } from '../sources/linkStat.js'
import { kustomizeRemoteUrl } from '../security/kustomizeRemote.js'
import { SYSTEM_PREFIXES, systemLinkTarget } from '../security/systemLinks.js'

/** Schema keywords that make a JSON-schema loader fetch what they name. */
const SCHEMA_LINKS = new Set(['$ref', '$schema', '$dynamicRef', '$recursiveRef'])

function localSchemaLink(key: string, value: string): boolean {
  if (key === '$schema') return /^https?:\/\/json-schema\.org\/[\w/.-]*#?$/.test(value)
  return value.startsWith('#')
}

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
  /** `.git` entries below the directories walked (repo-relative). */
  private readonly gitEntries: string[] = []

  constructor(
    private readonly repoRoot: string,
    private readonly target: Target,
    /** Where charts may be fetched from; default: nowhere. */
    private readonly remoteAllow = new RemoteAllowList([])
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
    if (isUnder(this.realRoot, real))
      return path.relative(this.realRoot, real).split(path.sep).some(isGitEntry)
        ? "inside a nested repository's .git (a submodule, worktree or checkout)"
        : undefined
    if (SYSTEM_PREFIXES.some(prefix => isUnder(prefix, real)))
      return 'a system path, never readable'
    return this.allowOutside
      ? undefined
      : 'outside the repository (kustomize.allowOutsideReads is not set)'
  }

  /** Where a path really leads; a dangling link is judged by the path it names. */
  private realPath(absolute: string): string {
    // A link through /proc/self/… resolves differently in the tool: judged as the link says.
    const system = systemLinkTarget(absolute, SYSTEM_PREFIXES)
    if (system !== undefined) return system
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

  /** A resolved path as a message shows it: inside the repository (its .git), relative to it. */
  private shownReal(real: string): string {
    return isUnder(this.realRoot, real)
      ? path.relative(this.realRoot, real).split(path.sep).join('/') || '.'
      : real
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
        : `${shown} resolves to ${this.shownReal(real)}, ${why}; a render reads only files inside the repository`
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
      if (isGitEntry(entry.name)) {
        this.gitEntries.push(child)
      } else if (entry.isSymbolicLink()) {
        this.checkPath(child)
        const stat = followedStat(path.join(this.repoRoot, child))
        if (stat?.isDirectory()) this.walk(child)
        else if (entry.name === 'values.schema.json') this.checkSchemaFile(child)
        else if (entry.name.endsWith('.tgz')) this.checkArchive(child)
      } else if (entry.isDirectory()) {
        this.walk(child)
      } else if (entry.name === 'values.schema.json') {
        this.checkSchemaFile(child)
      } else if (entry.name.endsWith('.tgz')) {
        this.checkArchive(child)
      }
    }
  }

  /**
   * A chart's `file://` dependencies must stay inside the repository too: in Chart.yaml, and
   * in the lock and requirements files `helm dependency build` also reads.
   */
  checkChart(relative: string): void {
    for (const { file, name, repository } of declaredDependencies(
      path.join(this.repoRoot, relative)
    )) {
      if (!repository.startsWith('file://')) continue
      const real = this.realPath(
        path.resolve(this.repoRoot, relative, repository.slice('file://'.length))
      )
      const why = this.refusal(real)
      if (why || !isUnder(this.realRoot, real))
        this.fail(
          `${relative}/${file}: dependency ${String(name)} (${repository}) is ${why ?? 'outside the repository'}`
        )
    }
  }

  /**
   * A values schema: helm loads what `$ref`, `$schema`, `$id` and the like name (file://,
   * http://), so only references inside the schema and the standard meta-schemas may stay.
   */
  checkSchema(where: string, text: string): void {
    let schema: unknown
    try {
      schema = JSON.parse(text)
    } catch {
      return // not JSON: helm reports it
    }
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit)
      else if (value && typeof value === 'object')
        for (const [key, item] of Object.entries(value)) {
          if (SCHEMA_LINKS.has(key) && typeof item === 'string' && !localSchemaLink(key, item))
            this.fail(
              `${where}: ${key} ${JSON.stringify(item)} leaves the schema; only references inside it (#/…) are allowed`
            )
          visit(item)
        }
    }
    visit(schema)
  }

  private checkSchemaFile(relative: string): void {
    let text: string
    try {
      text = fs.readFileSync(path.join(this.repoRoot, relative), 'utf8')
    } catch {
      return
    }
    this.checkSchema(relative, text)
  }

  /** A packaged subchart's schemas, read from the archive as helm reads them. */
  private checkArchive(relative: string): void {
    for (const { name, text } of archiveFiles(path.join(this.repoRoot, relative), n =>
      n.endsWith('values.schema.json')
    ))
      this.checkSchema(`${relative}:${name}`, text)
  }

  private checkReferences(refs: readonly Reference[], remote: boolean): void {
    for (const ref of refs) {
      const where = `${ref.dir || '.'}: ${ref.field} ${ref.ref}`
      if (remote) {
        if (!this.target.kustomize?.allowRemoteBases)
          this.fail(
            `${where} is a remote base; set kustomize.allowRemoteBases: true on the target to fetch it`
          )
        // A chart kustomize pulls (helmCharts repo), a base it clones or a file it GETs comes
        // only from where the base's remote.allow says, as helm's fetches do.
        const url = / repo$/.test(ref.field) ? ref.ref : kustomizeRemoteUrl(ref.ref)
        const refused =
          url === undefined
            ? 'is not a remote hydrate can check against remote.allow'
            : this.remoteAllow.refusal(url)
        if (refused) this.fail(`${where} ${refused}`)
        continue
      }
      const real = this.realPath(path.resolve(this.repoRoot, ref.dir, ref.ref))
      const why = this.refusal(real)
      if (why) this.fail(`${where} resolves to ${this.shownReal(real)}, ${why}`)
    }
  }

  /** Everything `deps` names for this target. */
  check(deps: TargetDependencies): void {
    if (this.target.source !== undefined) this.checkPath(this.target.source)
    for (const ref of deps.refused)
      this.fail(
        ref.why
          ? `${ref.ref}: ${ref.field} ${ref.why}`
          : `${ref.dir || '.'}: ${ref.field} ${ref.ref} is refused: helm would load plugins from it, and run them`
      )
    this.checkReferences(deps.remote, true)
    this.checkReferences(deps.outside, false)
    // Directories first: a walk names the symlink itself, not only where it leads.
    for (const dir of deps.directories) {
      this.walk(dir)
      this.checkChart(dir)
    }
    for (const file of deps.files) this.checkPath(file)
    this.checkGitEntries()
  }

  /**
   * helm renders a copy of its chart without `.git`, and plain directories skip dot-entries;
   * kustomize reads the directories it loads whole (chart homes) in place: refused.
   */
  private checkGitEntries(): void {
    const [entry] = this.gitEntries
    if (this.target.type !== 'kustomize' || entry === undefined) return
    this.fail(
      `${entry} is a .git entry in a directory kustomize reads as a whole (a chart home); helm would load it into .Files, with the credentials in its config`
    )
  }
}
