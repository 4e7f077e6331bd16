import fs from 'node:fs'
import path from 'node:path'
import type { ActionRun } from './action.js'
import { git, remoteRefs } from './repo.js'

/** The refs hydration writes: every branch but main, and the notes. */
const HYDRATED = (ref: string) =>
  (ref.startsWith('refs/heads/') && ref !== 'refs/heads/main') || ref.startsWith('refs/notes/')

/** What hydration wrote to the remote (the refs `written` keeps), with diffs. */
export function writtenToRemote(remote: string, written = HYDRATED): string {
  const refs = Object.keys(remoteRefs(remote)).filter(written)
  return refs.length ? git(remote, 'log', '-p', '--format=%H %s%n%b', ...refs) : ''
}

/** Everything a run put where a person or another job can read it. */
export function everythingShown(
  run: ActionRun,
  workspace: string,
  remote: string,
  comments: readonly string[],
  written = HYDRATED
): string {
  const reportDir = path.join(run.runnerTemp, 'hydrate-report')
  const reports = fs.existsSync(reportDir)
    ? fs.readdirSync(reportDir).map(f => fs.readFileSync(path.join(reportDir, f), 'utf8'))
    : []
  const stdout = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  return [
    stdout,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    ...reports,
    ...comments,
    writtenToRemote(remote, written),
    git(workspace, 'status', '--porcelain')
  ].join('\n')
}

/** The header actions/checkout persists in .git/config: the token as basic auth. */
export function persistCheckoutToken(repo: string, token: string): void {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
  git(repo, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${basic}`)
}
