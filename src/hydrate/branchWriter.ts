import fs from 'node:fs'
import path from 'node:path'
import { HydrateError } from '../errors.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { DryCommit } from '../git/dryCommit.js'
import { redactUrl, redactUrls } from '../git/redact.js'
import type { Logger } from '../logger.js'
import { blobId, parseCatFileBatch, parseLsTree, type TreeEntry } from './gitObjects.js'
import { METADATA_FILE, type BranchLayout } from './layout.js'

export const NOTES_REF = 'refs/notes/hydrator.metadata'
/** Private namespace for what we fetch and build: the user's own refs are never touched. */
const LOCAL_PREFIX = 'refs/hydrate'

export interface Identity {
  name: string
  email: string
}

export interface FileChange {
  path: string
  change: 'added' | 'modified' | 'removed'
}

export type BranchStatus = 'created' | 'updated' | 'unchanged' | 'skipped'

export interface BranchPlan {
  branch: string
  status: BranchStatus
  /** Remote tip before this run, if the branch existed. */
  previous?: string
  /** The new hydrated commit (after write). */
  commit?: string
  changes: FileChange[]
  /** Targets whose manifests changed; pruned paths appear as `path (pruned)`. */
  changedTargets: string[]
  /** Directories removed because their target is gone. */
  pruned: string[]
  /** drySha the branch recorded before this run. */
  recordedDrySha?: string
  reason?: string
  /** Internal: the full desired tree, and whether a note must be written. */
  files?: Map<string, { mode: string; id: string; content?: string }>
  note: boolean
}

export interface WriteResult {
  branches: BranchPlan[]
  pushed: boolean
  attempts: number
  gitProcesses: number
}

export interface BranchWriterOptions {
  git: GitCommandManager
  /** Remote name or URL of the hydrated repository. */
  remote: string
  committer: Identity
  logger: Logger
  /** Prune owned directories whose target is gone (DESIGN §7; defaults.prune). */
  prune: boolean
  dryRun?: boolean
  maxAttempts?: number
  backoffMs?: number
  /** Remote of the dry repository, to fetch a recorded drySha for the ordering guard. */
  dryRemote?: string
  /** Test seam: runs after the commits are built and before the push. */
  beforePush?: (attempt: number) => Promise<void>
  now?: () => Date
}

export class PushRejectedError extends HydrateError {}

export interface RecordedDry {
  /** The newest dry commit the branch was hydrated from (note, else root metadata). */
  drySha: string
  fromNote: boolean
  /** The dry commit the tip's files carry (root hydrator.metadata). */
  treeDrySha?: string
}

export interface BranchState {
  /** Branch (or NOTES_REF) → remote tip. */
  tips: Map<string, string>
  /** Branch → its tree, path → entry. */
  trees: Map<string, Map<string, TreeEntry>>
  /** Branch → the drySha its tip records. */
  recorded: Map<string, RecordedDry>
  /** git processes spent getting this state. */
  gitProcesses: number
}

const METADATA_ONLY = new Set([METADATA_FILE, 'README.md'])

function remoteRef(branch: string): string {
  return `${LOCAL_PREFIX}/remote/heads/${branch}`
}

/**
 * Writes branch layouts as one commit per branch, without a checkout: trees are planned in
 * memory against the remote tips, all commits and the notes commit come from one
 * `git fast-import`, and everything goes out in one atomic push, retried on a race.
 */
export class BranchWriter {
  private readonly git: GitCommandManager
  private algorithm: 'sha1' | 'sha256' = 'sha1'

  constructor(private readonly options: BranchWriterOptions) {
    this.git = options.git
  }

  async write(
    dry: DryCommit,
    layouts: readonly BranchLayout[],
    initial?: BranchState
  ): Promise<WriteResult> {
    const { logger } = this.options
    this.algorithm = dry.sha.length === 64 ? 'sha256' : 'sha1'
    const maxAttempts = this.options.maxAttempts ?? 5
    const startProcesses = this.git.processes - (initial?.gitProcesses ?? 0)
    for (let attempt = 1; ; attempt++) {
      const state =
        attempt === 1 && initial ? initial : await this.inspect(layouts.map(l => l.branch))
      const { tips } = state
      const plans = await this.plan(dry, layouts, state)
      const work = plans.filter(p => p.status === 'created' || p.status === 'updated' || p.note)
      if (this.options.dryRun || work.length === 0) {
        return {
          branches: plans,
          pushed: false,
          attempts: attempt,
          gitProcesses: this.git.processes - startProcesses
        }
      }
      const notesParent = tips.get(NOTES_REF)
      const refspecs = await this.buildCommits(dry, plans, notesParent)
      await this.options.beforePush?.(attempt)
      const push = await this.git.exec(
        ['push', '--atomic', '--porcelain', '--no-verify', this.options.remote, ...refspecs],
        { allowFailure: true }
      )
      if (push.exitCode === 0) {
        return {
          branches: plans,
          pushed: true,
          attempts: attempt,
          gitProcesses: this.git.processes - startProcesses
        }
      }
      const output = `${push.stdout}\n${push.stderr}`
      const raced =
        /\[rejected\]|\(fetch first\)|non-fast-forward|stale info|\[remote rejected\].*(?:cannot lock|failed to update)/.test(
          output
        )
      if (!raced)
        throw new HydrateError(
          `push to ${redactUrl(this.options.remote)} failed:\n${redactUrls(push.stderr.trim() || push.stdout.trim())}`
        )
      if (attempt >= maxAttempts) {
        throw new PushRejectedError(
          `push rejected ${attempt} times because the branches kept moving; nothing was forced. Run again.`
        )
      }
      const delay = (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1)
      logger.warning(
        `push rejected: a branch moved since it was fetched (attempt ${attempt}/${maxAttempts}); rebuilding on the new tips in ${delay} ms`
      )
      await new Promise(resolve => setTimeout(resolve, delay))
    }
  }

  /** Remote tips of the branches and the notes ref, fetched into our private namespace. */
  private async fetchTips(branches: string[]): Promise<Map<string, string>> {
    const wanted = [...branches.map(b => `refs/heads/${b}`), NOTES_REF]
    const listing = await this.git.output(['ls-remote', '--refs', this.options.remote, ...wanted])
    const tips = new Map<string, string>()
    for (const line of listing.split('\n')) {
      const [sha, ref] = line.split('\t')
      if (sha && ref && wanted.includes(ref))
        tips.set(ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref, sha)
    }
    const refspecs = [...tips.keys()].map(key =>
      key === NOTES_REF
        ? `+${NOTES_REF}:${LOCAL_PREFIX}/remote/notes`
        : `+refs/heads/${key}:${remoteRef(key)}`
    )
    if (refspecs.length > 0) {
      const shallow =
        (await this.git.output(['rev-parse', '--is-shallow-repository'])).trim() === 'true'
      await this.git.exec([
        'fetch',
        '--no-tags',
        '--no-write-fetch-head',
        '--quiet',
        ...(shallow ? ['--depth=1'] : []),
        this.options.remote,
        ...refspecs
      ])
    }
    return tips
  }

  /**
   * The remote state of some branches: tips, trees and the drySha each records. Fetched once
   * before rendering (incremental hydration) and reused by the first write attempt.
   */
  async inspect(branches: string[]): Promise<BranchState> {
    const start = this.git.processes
    const tips = await this.fetchTips(branches)
    const trees = new Map<string, Map<string, TreeEntry>>()
    for (const branch of branches) {
      const tip = tips.get(branch)
      if (tip)
        trees.set(
          branch,
          parseLsTree(await this.git.output(['ls-tree', '-r', '-z', '--full-tree', tip]))
        )
    }
    const recorded = await this.recordedDryShas(branches, tips, trees)
    return { tips, trees, recorded, gitProcesses: this.git.processes - start }
  }

  /** Contents of blobs by id, in one `git cat-file --batch`. */
  async readBlobs(ids: string[]): Promise<Map<string, string | undefined>> {
    if (ids.length === 0) return new Map()
    const batch = await this.git.exec(['cat-file', '--batch'], {
      input: ids.map(id => `${id}\n`).join('')
    })
    return parseCatFileBatch(batch.stdoutBuffer, ids)
  }

  private async plan(
    dry: DryCommit,
    layouts: readonly BranchLayout[],
    state: BranchState
  ): Promise<BranchPlan[]> {
    const { tips, trees, recorded } = state
    const plans: BranchPlan[] = []
    for (const layout of layouts) {
      const tip = tips.get(layout.branch)
      const existing = trees.get(layout.branch) ?? new Map<string, TreeEntry>()
      const record = recorded.get(layout.branch)
      if (record && record.drySha !== dry.sha && (await this.isAncestor(dry.sha, record.drySha))) {
        plans.push({
          branch: layout.branch,
          status: 'skipped',
          previous: tip,
          changes: [],
          changedTargets: [],
          pruned: [],
          recordedDrySha: record.drySha,
          reason: `${layout.branch} is already hydrated from ${record.drySha.slice(0, 7)}, which is newer than ${dry.sha.slice(0, 7)}`,
          note: false
        })
        continue
      }
      plans.push(this.planBranch(layout, tip, existing, record, dry))
    }
    return plans
  }

  private planBranch(
    layout: BranchLayout,
    tip: string | undefined,
    existing: Map<string, TreeEntry>,
    record: RecordedDry | undefined,
    dry: DryCommit
  ): BranchPlan {
    const targetPaths = layout.targets.map(t => t.target.path)
    const within = (file: string, dir: string) => file.startsWith(`${dir}/`)
    const owned = new Set(
      [...existing.keys()]
        .filter(f => f.endsWith(`/${METADATA_FILE}`))
        .map(f => path.posix.dirname(f))
    )
    const pruned = this.options.prune
      ? [...owned]
          .filter(dir => !targetPaths.some(p => p === dir || within(dir, p) || within(p, dir)))
          .sort()
      : []
    const files = new Map<string, { mode: string; id: string; content?: string }>()
    for (const [file, entry] of existing) {
      if (targetPaths.some(p => within(file, p)) || pruned.some(p => within(file, p))) continue
      files.set(file, entry)
    }
    for (const [file, content] of layout.files) {
      files.set(
        file,
        typeof content === 'string'
          ? { mode: '100644', id: blobId(content, this.algorithm), content }
          : { ...content }
      )
    }

    const changes: FileChange[] = []
    for (const [file, entry] of files) {
      const before = existing.get(file)
      if (!before) changes.push({ path: file, change: 'added' })
      else if (before.id !== entry.id || before.mode !== entry.mode)
        changes.push({ path: file, change: 'modified' })
    }
    for (const file of existing.keys())
      if (!files.has(file)) changes.push({ path: file, change: 'removed' })
    changes.sort((a, b) => (a.path < b.path ? -1 : 1))

    // A dry commit that changes no manifest gets no hydrated commit, only a note (as Argo CD
    // does). Metadata counts as changed only when more than its drySha differs (commands,
    // tool versions), so that the recorded state catches up.
    const onlyDryShaDiffers = (change: FileChange): boolean => {
      if (change.path === METADATA_FILE) return true
      if (
        !METADATA_ONLY.has(path.posix.basename(change.path)) ||
        change.change !== 'modified' ||
        !record
      )
        return false
      const content = files.get(change.path)?.content
      if (content === undefined) return false
      const written = record.treeDrySha ?? record.drySha
      return (
        blobId(content.split(dry.sha).join(written), this.algorithm) ===
        existing.get(change.path)?.id
      )
    }
    const substantive = changes.filter(c => !onlyDryShaDiffers(c))
    const changedTargets = layout.targets
      .filter(t => substantive.some(c => within(c.path, t.target.path)))
      .map(t => t.target.name)
    const commit = !tip || substantive.length > 0
    const status: BranchStatus = !tip ? 'created' : commit ? 'updated' : 'unchanged'
    const note = commit || !(record?.fromNote && record.drySha === dry.sha)
    return {
      branch: layout.branch,
      status,
      previous: tip,
      changes: commit ? changes : [],
      changedTargets: [...changedTargets, ...pruned.map(p => `${p} (pruned)`)],
      pruned,
      recordedDrySha: record?.drySha,
      files: commit ? files : undefined,
      note
    }
  }

  /** The drySha each branch tip records: its git note, else its root hydrator.metadata. */
  /**
   * The drySha each branch tip records: its git note first, else its root hydrator.metadata.
   * `treeDrySha` is the one the tip's files were written with (the root metadata), which an
   * added note can be newer than.
   */
  private async recordedDryShas(
    branches: readonly string[],
    tips: Map<string, string>,
    trees: Map<string, Map<string, TreeEntry>>
  ): Promise<Map<string, RecordedDry>> {
    const noteBlobs = new Map<string, string>()
    if (tips.has(NOTES_REF)) {
      for (const [file, entry] of parseLsTree(
        await this.git.output(['ls-tree', '-r', '-z', `${LOCAL_PREFIX}/remote/notes`])
      )) {
        noteBlobs.set(file.replace(/\//g, ''), entry.id)
      }
    }
    const wanted = branches.flatMap(branch => {
      const tip = tips.get(branch)
      return tip
        ? [{ branch, note: noteBlobs.get(tip), root: trees.get(branch)?.get(METADATA_FILE)?.id }]
        : []
    })
    const contents = await this.readBlobs([
      ...new Set(wanted.flatMap(w => [w.note, w.root]).filter((id): id is string => !!id))
    ])
    const dryShaIn = (branch: string, id: string | undefined): string | undefined => {
      if (!id) return undefined
      try {
        const drySha = (JSON.parse(contents.get(id) ?? '{}') as { drySha?: unknown }).drySha
        return typeof drySha === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(drySha)
          ? drySha
          : undefined
      } catch {
        this.options.logger.warning(
          `${branch}: its recorded hydrator metadata is not valid JSON; treating the branch as unhydrated`
        )
        return undefined
      }
    }
    const result = new Map<string, RecordedDry>()
    for (const { branch, note, root } of wanted) {
      const fromNote = dryShaIn(branch, note)
      const treeDrySha = dryShaIn(branch, root)
      const drySha = fromNote ?? treeDrySha
      if (drySha) result.set(branch, { drySha, fromNote: fromNote !== undefined, treeDrySha })
    }
    return result
  }

  private readonly ancestry = new Map<string, Promise<boolean>>()

  /** Is `ancestor` an ancestor of `descendant`? Memoized: branches usually record one drySha. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const key = `${ancestor}..${descendant}`
    let answer = this.ancestry.get(key)
    if (!answer) {
      answer = this.checkAncestor(ancestor, descendant)
      this.ancestry.set(key, answer)
    }
    return answer
  }

  /** Fetches a recorded commit that is not here yet (a shallow clone) before giving up. */
  private async checkAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const check = () =>
      this.git.exec(['merge-base', '--is-ancestor', ancestor, descendant], { allowFailure: true })
    let result = await check()
    if (result.exitCode > 1) {
      const remote = this.options.dryRemote ?? 'origin'
      await this.git.exec(
        [
          'fetch',
          '--no-tags',
          '--no-write-fetch-head',
          '--quiet',
          '--filter=blob:none',
          remote,
          descendant
        ],
        { allowFailure: true }
      )
      result = await check()
    }
    if (result.exitCode > 1) {
      this.options.logger.warning(
        `cannot tell whether ${descendant.slice(0, 7)} is newer than ${ancestor.slice(0, 7)} (history not available); hydrating anyway`
      )
      return false
    }
    return result.exitCode === 0
  }

  /** One fast-import for every commit and the notes commit; returns the push refspecs. */
  private async buildCommits(
    dry: DryCommit,
    plans: BranchPlan[],
    notesParent: string | undefined
  ): Promise<string[]> {
    const now = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000)
    const { name, email } = this.options.committer
    const who = `${name} <${email}> ${now} +0000`
    const data = (text: string) => `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`
    const message = [
      `${dry.sha.slice(0, 7)}: ${dry.subject}`,
      '',
      ...(dry.body ? [dry.body, ''] : []),
      `Co-authored-by: ${dry.author}`,
      ''
    ].join('\n')
    const chunks: string[] = []
    const marks = new Map<string, number>()
    let mark = 0
    for (const plan of plans) {
      if (!plan.files) continue
      const markId = ++mark
      marks.set(plan.branch, markId)
      chunks.push(
        `commit ${LOCAL_PREFIX}/new/heads/${plan.branch}\nmark :${markId}\ncommitter ${who}\n${data(message)}`
      )
      if (plan.previous) chunks.push(`from ${plan.previous}\n`)
      chunks.push('deleteall\n')
      for (const [file, entry] of plan.files) {
        const quoted = JSON.stringify(file)
        if (entry.content !== undefined)
          chunks.push(`M ${entry.mode} inline ${quoted}\n${data(entry.content)}`)
        else chunks.push(`M ${entry.mode} ${entry.id} ${quoted}\n`)
      }
      chunks.push('\n')
    }
    const noted = plans.filter(p => p.note)
    if (noted.length > 0) {
      chunks.push(
        `commit ${LOCAL_PREFIX}/new/notes\nmark :${++mark}\ncommitter ${who}\n${data(`Notes added by hydrate for ${dry.sha}`)}`
      )
      if (notesParent) chunks.push(`from ${notesParent}\n`)
      for (const plan of noted) {
        const target = marks.has(plan.branch)
          ? `:${marks.get(plan.branch)}`
          : (plan.previous as string)
        chunks.push(`N inline ${target}\n${data(`{"drySha":"${dry.sha}"}\n`)}`)
      }
      chunks.push('\n')
    }
    chunks.push('done\n')
    const marksFile = await this.git.output([
      'rev-parse',
      '--git-path',
      `hydrate-marks-${process.pid}`
    ])
    const marksPath = path.resolve(this.git.cwd, marksFile.trim())
    await this.git.exec(
      ['fast-import', '--quiet', '--force', '--done', `--export-marks=${marksPath}`],
      { input: chunks.join('') }
    )
    const exported = new Map(
      fs
        .readFileSync(marksPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => line.split(' ') as [string, string])
    )
    fs.rmSync(marksPath, { force: true })
    const refspecs: string[] = []
    for (const plan of plans) {
      const id = marks.get(plan.branch)
      if (id === undefined) continue
      plan.commit = exported.get(`:${id}`)
      refspecs.push(`${plan.commit}:refs/heads/${plan.branch}`)
    }
    if (noted.length > 0) refspecs.push(`${exported.get(`:${mark}`)}:${NOTES_REF}`)
    return refspecs
  }
}
