import fs from 'node:fs'
import path from 'node:path'
import { argoCommitMessage, initialCommitMessage } from '../argo/commitMessage.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { CommitSigner } from '../git/commitSigner.js'
import type { DryCommit } from '../git/dryCommit.js'
import type { BranchPlan } from './plan.js'
import { INPUTS_REF, serializeInputs } from './recordedInputs.js'
import {
  localRef,
  NEW_INPUTS,
  NEW_NOTES,
  NEW_TIMINGS,
  NOTES_REF,
  serializeTimings,
  TIMINGS_REF
} from './remoteState.js'

const data = (text: string) => `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`

/** A note's text, or none for a record with nothing in it. */
function unlessEmpty<T extends object>(
  record: T | undefined,
  serialize: (record: T) => string
): string | undefined {
  return record && Object.keys(record).length > 0 ? serialize(record) : undefined
}

export interface Identity {
  name: string
  email: string
}

/**
 * One `git fast-import` for every branch commit and the notes commit. Sets `commit` on each
 * committed plan and returns the push refspecs (by SHA: our local refs are scratch). A new
 * branch starts as Argo CD starts one: an empty `Initial commit for <branch>`, then the
 * hydrated commit on top.
 */
export async function buildCommits(
  git: GitCommandManager,
  options: {
    dry: DryCommit
    plans: BranchPlan[]
    notesParent: string | undefined
    /** The remote tip of TIMINGS_REF (the render timings notes). */
    timingsParent?: string
    /** The remote tip of INPUTS_REF (what each target reads). */
    inputsParent?: string
    committer: Identity
    now: Date
    /** Signs the branch commits (initial and hydrated); the notes commits stay unsigned. */
    signer?: CommitSigner
  }
): Promise<string[]> {
  const { dry, plans, signer } = options
  const seconds = Math.floor(options.now.getTime() / 1000)
  const who = `${options.committer.name} <${options.committer.email}> ${seconds} +0000`
  const message = argoCommitMessage(dry)
  const chunks: string[] = []
  const marks = new Map<string, number>()
  const initialMarks = new Map<string, number>()
  let mark = 0
  for (const plan of plans) {
    if (!plan.files) continue
    const ref = localRef('new', plan.branch)
    let parent = plan.previous
    if (!parent) {
      initialMarks.set(plan.branch, ++mark)
      parent = `:${mark}`
      chunks.push(
        `commit ${ref}\nmark ${parent}\ncommitter ${who}\n${data(initialCommitMessage(plan.initialBranch ?? plan.branch))}\n`
      )
    }
    const markId = ++mark
    marks.set(plan.branch, markId)
    chunks.push(`commit ${ref}\nmark :${markId}\ncommitter ${who}\n${data(message)}`)
    chunks.push(`from ${parent}\n`)
    chunks.push('deleteall\n')
    for (const [file, entry] of plan.files) {
      const quoted = JSON.stringify(file)
      if (entry.content !== undefined)
        chunks.push(`M ${entry.mode} inline ${quoted}\n${data(entry.content)}`)
      else chunks.push(`M ${entry.mode} ${entry.id} ${quoted}\n`)
    }
    chunks.push('\n')
  }
  // git fast-import cannot sign: with a signer it builds the branch commits' trees, each
  // commit is then made again by `git commit-tree -S`, and the notes go onto the signed ones.
  let branchCommits: Map<string, string> | undefined
  if (signer) {
    const unsigned = await fastImport(git, [...chunks, 'done\n'])
    branchCommits = await signCommits(git, signer, unsigned, {
      plans,
      marks,
      initialMarks,
      dry,
      options,
      seconds
    })
    chunks.length = 0
  }
  const noteTarget = (plan: BranchPlan) => {
    const id = marks.get(plan.branch)
    if (id === undefined) return plan.previous as string
    return branchCommits?.get(`:${id}`) ?? `:${id}`
  }
  const noted = plans.filter(p => p.note)
  // Argo CD's note, and ours in refs of their own riding along on the same commits: render
  // timings (sharding) and what each target reads (the diff's dependency index).
  const notesRefs = [
    {
      ref: NOTES_REF,
      local: NEW_NOTES,
      parent: options.notesParent,
      message: `Notes added by hydrate for ${dry.sha}`,
      text: () => `{"drySha":"${dry.sha}"}\n`
    },
    {
      ref: TIMINGS_REF,
      local: NEW_TIMINGS,
      parent: options.timingsParent,
      message: `Render timings by hydrate for ${dry.sha}`,
      text: (plan: BranchPlan) => unlessEmpty(plan.timings, serializeTimings)
    },
    {
      ref: INPUTS_REF,
      local: NEW_INPUTS,
      parent: options.inputsParent,
      message: `Target inputs by hydrate for ${dry.sha}`,
      text: (plan: BranchPlan) => unlessEmpty(plan.inputs, serializeInputs)
    }
  ]
  const notesMarks = new Map<string, number>()
  for (const notes of notesRefs) {
    const texts = noted.flatMap(plan => {
      const text = notes.text(plan)
      return text === undefined ? [] : [{ plan, text }]
    })
    if (texts.length === 0) continue
    notesMarks.set(notes.ref, ++mark)
    chunks.push(`commit ${notes.local}\nmark :${mark}\ncommitter ${who}\n${data(notes.message)}`)
    if (notes.parent) chunks.push(`from ${notes.parent}\n`)
    for (const { plan, text } of texts) {
      chunks.push(`N inline ${noteTarget(plan)}\n${data(text)}`)
    }
    chunks.push('\n')
  }
  const exported = new Map([
    ...(branchCommits ?? []),
    ...(chunks.length > 0 ? await fastImport(git, [...chunks, 'done\n']) : [])
  ])
  const refspecs: string[] = []
  for (const plan of plans) {
    const id = marks.get(plan.branch)
    if (id === undefined) continue
    plan.commit = exported.get(`:${id}`)
    const initial = initialMarks.get(plan.branch)
    if (initial !== undefined) plan.initialCommit = exported.get(`:${initial}`)
    refspecs.push(`${plan.commit}:refs/heads/${plan.branch}`)
  }
  for (const [ref, id] of notesMarks) refspecs.push(`${exported.get(`:${id}`)}:${ref}`)
  return refspecs
}

/** Runs one `git fast-import` over `chunks`; returns its marks (`:N` → object id). */
async function fastImport(git: GitCommandManager, chunks: string[]): Promise<Map<string, string>> {
  const marksFile = await git.output(['rev-parse', '--git-path', `hydrate-marks-${process.pid}`])
  const marksPath = path.resolve(git.cwd, marksFile.trim())
  try {
    await git.exec(['fast-import', '--quiet', '--force', '--done', `--export-marks=${marksPath}`], {
      input: chunks.join('')
    })
    return new Map(
      fs
        .readFileSync(marksPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => line.split(' ') as [string, string])
    )
  } finally {
    fs.rmSync(marksPath, { force: true })
  }
}

/**
 * The branch commits made again with a signature, in the order a branch grows (its initial
 * commit first): same tree, message, committer and time; the marks map to the signed ids.
 */
async function signCommits(
  git: GitCommandManager,
  signer: CommitSigner,
  unsigned: ReadonlyMap<string, string>,
  context: {
    plans: readonly BranchPlan[]
    marks: ReadonlyMap<string, number>
    initialMarks: ReadonlyMap<string, number>
    dry: DryCommit
    options: { committer: Identity }
    seconds: number
  }
): Promise<Map<string, string>> {
  const signed = new Map<string, string>()
  const { committer } = context.options
  const date = `${context.seconds} +0000`
  const env = {
    ...signer.gitEnv(),
    GIT_AUTHOR_NAME: committer.name,
    GIT_AUTHOR_EMAIL: committer.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: date
  }
  const commitTree = async (mark: number, message: string, parent: string | undefined) => {
    const tree = `${unsigned.get(`:${mark}`)}^{tree}`
    const parents = parent ? ['-p', parent] : []
    const id = (
      await git.output([...signer.gitConfig(), 'commit-tree', '-S', ...parents, '-F', '-', tree], {
        input: message,
        env
      })
    ).trim()
    signed.set(`:${mark}`, id)
    return id
  }
  for (const plan of context.plans) {
    const id = context.marks.get(plan.branch)
    if (id === undefined) continue
    let parent = plan.previous
    const initial = context.initialMarks.get(plan.branch)
    if (initial !== undefined)
      parent = await commitTree(
        initial,
        initialCommitMessage(plan.initialBranch ?? plan.branch),
        undefined
      )
    await commitTree(id, argoCommitMessage(context.dry), parent)
  }
  return signed
}
