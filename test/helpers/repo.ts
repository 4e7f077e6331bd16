import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './tools.js'

export const EXAMPLE_REPO = path.join(ROOT, 'examples', 'gitops-repo')
/** The example repo's nine targets, sorted. */
export const EXAMPLE_TARGETS = [
  ...['cluster', 'guestbook', 'webapp'].flatMap(app =>
    ['dev', 'prod', 'staging'].map(env => `${app}-${env}`)
  ),
  ...['metrics', 'flux-apps', 'flux-cluster'].flatMap(app =>
    ['dev', 'prod'].map(env => `${app}-${env}`)
  )
].sort()
/** The output paths of the example's prod branch (dev has the same; staging has no metrics or flux). */
export const EXAMPLE_PROD_PATHS = [
  'cluster',
  'flux/apps',
  'flux/cluster',
  'guestbook',
  'metrics',
  'webapp'
]
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus')

const tempDirs: string[] = []

export function tempDir(prefix = 'hydrate-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
      GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z'
    }
  })
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(dir, file)
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, content)
  }
}

/** A new git repository holding `files` (and/or a copy of `from`), committed once. */
export function makeRepo(
  options: { from?: string; files?: Record<string, string>; message?: string } = {}
): string {
  const dir = tempDir('hydrate-repo-')
  if (options.from)
    fs.cpSync(options.from, dir, { recursive: true, filter: src => path.basename(src) !== '.git' })
  if (options.files) writeFiles(dir, options.files)
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.name', 'Test Author')
  git(dir, 'config', 'user.email', 'author@example.com')
  git(dir, 'config', 'commit.gpgsign', 'false')
  git(dir, 'add', '-A')
  git(
    dir,
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    options.message ?? 'Dry commit',
    '-m',
    'The body.'
  )
  return dir
}

/** Every path below dir (files and directories, ignored ones too), with file hashes. */
export function snapshotTree(dir: string): Record<string, string> {
  const result: Record<string, string> = {}
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name
      if (child === '.git') continue
      if (entry.isDirectory()) {
        result[`${child}/`] = 'dir'
        walk(child)
      } else {
        result[child] = fs.readFileSync(path.join(dir, child)).toString('base64')
      }
    }
  }
  walk('')
  return result
}

/** A bare repository to push to, and a dry repo whose `origin` is it (main pushed). */
export function makeDryWithRemote(
  options: { from?: string; files?: Record<string, string> } = {}
): { dry: string; remote: string } {
  const remote = path.join(tempDir('hydrate-remote-'), 'remote.git')
  git(path.dirname(remote), 'init', '-q', '--bare', '-b', 'main', remote)
  const dry = makeRepo(options)
  git(dry, 'remote', 'add', 'origin', remote)
  git(dry, 'push', '-q', 'origin', 'main')
  return { dry, remote }
}

/** `git ls-remote` as ref → sha. */
export function remoteRefs(remote: string): Record<string, string> {
  const refs: Record<string, string> = {}
  for (const line of git(remote, 'for-each-ref', '--format=%(refname) %(objectname)').split('\n')) {
    const [ref, sha] = line.split(' ')
    if (ref && sha) refs[ref] = sha
  }
  return refs
}

/** Commits everything in the working tree with a message. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', message)
  return git(dir, 'rev-parse', 'HEAD').trim()
}

/** A clone of `remote` the way actions/checkout makes one: depth 1 unless `full`, one branch. */
export function checkoutWorkspace(
  remote: string,
  options: { branch?: string; full?: boolean } = {}
): string {
  const workspace = path.join(tempDir('hydrate-workspace-'), 'workspace')
  const args = [
    'clone',
    '-q',
    ...(options.full ? [] : ['--depth=1']),
    ...(options.branch ? ['--branch', options.branch] : [])
  ]
  git(path.dirname(workspace), ...args, `file://${remote}`, workspace)
  return workspace
}
