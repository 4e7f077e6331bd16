import { createTwoFilesPatch } from 'diff'
import { diffResources } from '../diff/resources.js'
import { getErrorMessage } from '../errors.js'
import { blobId, type TreeEntry } from '../git/gitObjects.js'
import { METADATA_FILE } from '../hydrate/layout.js'
import { STATE_FILE, type HydrateState, type OwnedPath } from '../hydrate/state.js'
import { parseManifests } from '../manifests/parse.js'
import type { Finding } from './types.js'

/** One owned path of one branch, as its state file records it. */
export interface OwnedPathRef {
  branch: string
  path: string
  owned: OwnedPath
}

/** What a re-render at the recorded dry commit writes into a path, or why there is none. */
export type ExpectedPath =
  | { files: Map<string, string>; tools: Record<string, string>; error?: undefined }
  | { error: string; files?: undefined; tools?: undefined }

/** Root files that are Argo CD's or ours on every hydrated branch: never stray. */
const ROOT_FILES = new Set(['.gitattributes', METADATA_FILE, 'README.md', STATE_FILE])

/** A path whose bytes differ from its re-render: the files, and the tools of each side. */
export interface DifferingPath {
  ref: OwnedPathRef
  files: string[]
  tools: { recorded: Record<string, string>; now: Record<string, string> }
  /** The masked diff, re-render → branch. */
  diff: string
}

export function sameTools(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every(k => a[k] === b[k])
}

/**
 * The byte comparison of one branch: each owned path against its re-render (blob ids, so
 * equal files are never read), the files no path owns (stray), owned files gone (missing).
 * What differs is returned for the history to tell edits from toolchain skew.
 */
export async function compareBranch(options: {
  branch: string
  tree: ReadonlyMap<string, TreeEntry>
  state: HydrateState
  expected: (dir: string) => ExpectedPath | undefined
  algorithm: 'sha1' | 'sha256'
  readBlobs: (ids: string[]) => Promise<Map<string, string | undefined>>
}): Promise<{ equal: string[]; findings: Finding[]; differing: DifferingPath[] }> {
  const { branch, tree, state, algorithm } = options
  const equal: string[] = []
  const findings: Finding[] = []
  const pending: Array<{ ref: OwnedPathRef; files: string[]; expected: Map<string, string> }> = []
  const tools = new Map<string, Record<string, string>>()
  const claimed = new Set<string>()
  for (const [dir, owned] of Object.entries(state.paths).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ref = { branch, path: dir, owned }
    for (const file of owned.files) claimed.add(`${dir}/${file}`)
    const gone = owned.files.filter(file => !tree.has(`${dir}/${file}`))
    if (gone.length > 0)
      findings.push({
        state: 'missing',
        path: dir,
        target: owned.target,
        detail:
          gone.length === owned.files.length
            ? 'every file of the path is gone'
            : `${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} gone`
      })
    const expected = options.expected(dir)
    if (!expected || expected.error !== undefined) {
      findings.push({
        state: 'inconsistent',
        path: dir,
        target: owned.target,
        detail: `cannot be re-rendered: ${expected?.error ?? 'no render'}`
      })
      continue
    }
    // Files a render writes and the branch has (or should have), compared by blob id.
    const present = owned.files.filter(file => tree.has(`${dir}/${file}`))
    const names = [...new Set([...present, ...expected.files.keys()])].sort()
    const differs = names.filter(file => {
      const content = expected.files.get(file)
      const entry = tree.get(`${dir}/${file}`)
      if (content === undefined || entry === undefined) return !gone.includes(file)
      return blobId(content, algorithm) !== entry.id
    })
    if (differs.length === 0) {
      if (gone.length === 0) equal.push(dir)
      continue
    }
    tools.set(dir, expected.tools)
    pending.push({ ref, files: differs, expected: expected.files })
  }
  const ids = pending.flatMap(p =>
    p.files.flatMap(file => tree.get(`${p.ref.path}/${file}`)?.id ?? [])
  )
  const blobs = ids.length > 0 ? await options.readBlobs(ids) : new Map<string, string>()
  const differing = pending.map(({ ref, files, expected }) => ({
    ref,
    files,
    tools: { recorded: ref.owned.tools, now: tools.get(ref.path) ?? {} },
    diff: files
      .map(file => {
        const id = tree.get(`${ref.path}/${file}`)?.id
        return maskedFileDiff(
          `${ref.path}/${file}`,
          expected.get(file),
          id === undefined ? undefined : blobs.get(id),
          ref.owned.target
        )
      })
      .join('')
  }))
  for (const file of [...tree.keys()].sort()) {
    if (claimed.has(file) || ROOT_FILES.has(file)) continue
    findings.push({ state: 'stray', path: file, detail: 'no target owns this file' })
  }
  return { equal, findings, differing }
}

/**
 * One file's diff, re-render → branch. Manifests are compared resource by resource with
 * Secret values masked; a manifest that does not parse is not shown (it may hold secrets).
 */
export function maskedFileDiff(
  file: string,
  rendered: string | undefined,
  onBranch: string | undefined,
  target: string
): string {
  const name = file.slice(file.lastIndexOf('/') + 1)
  if (name === METADATA_FILE || name === 'README.md') {
    const text = createTwoFilesPatch(
      `rendered/${file}`,
      `branch/${file}`,
      rendered ?? '',
      onBranch ?? '',
      '',
      '',
      { context: 2 }
    )
    return `${text
      .split('\n')
      .filter(line => !line.startsWith('Index: ') && !/^=+$/.test(line))
      .join('\n')
      .trimEnd()}\n`
  }
  try {
    const parse = (text: string | undefined) =>
      text === undefined ? [] : parseManifests([{ text, origin: name }], target).resources
    const { resources } = diffResources(parse(rendered), parse(onBranch), {
      context: 3,
      noise: false,
      ignore: []
    })
    const shown = resources.map(r => r.diff).join('')
    return shown || `# ${file}: the bytes differ, the resources do not (formatting or order)\n`
  } catch (error) {
    return `# ${file}: differs and does not parse (${getErrorMessage(error)}); not shown\n`
  }
}
