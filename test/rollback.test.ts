import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { RollbackError } from '../src/hydrate/rollback.js'
import { captureStderr, outputSink } from './helpers/cli.js'
import { hydrateForTest } from './helpers/engine.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  remoteRefs
} from './helpers/repo.js'

afterAll(cleanupTempDirs)

const configMap = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  release: "${value}"\n`

/** A zero-config repository (environments/{env} → env/{env}) with plain YAML. */
function repository() {
  return makeDryWithRemote({
    files: {
      'environments/dev/app.yaml': configMap('one'),
      'environments/prod/app.yaml': configMap('one')
    }
  })
}

function release(dry: string, value: string): string {
  for (const env of ['dev', 'prod'])
    fs.writeFileSync(path.join(dry, 'environments', env, 'app.yaml'), configMap(value))
  return commitAll(dry, `Release ${value}`)
}

async function push(dry: string, ...flags: string[]) {
  const out = outputSink()
  let code = -1
  const stderr = await captureStderr(async () => {
    code = await runCli(['push', '-C', dry, ...flags], out.stream)
  })
  return { code, stderr }
}

/** The one manifest.yaml on a branch (the target's path is the zero-config default's). */
function manifest(remote: string, branch: string): string {
  const files = git(remote, 'ls-tree', '-r', '--name-only', `refs/heads/${branch}`).split('\n')
  const file = files.find(f => f.endsWith('manifest.yaml'))
  return git(remote, 'show', `refs/heads/${branch}:${file}`)
}

describe('no accidental rollback', () => {
  it('hydrate push refuses a stale branch and an old checkout (exit 1, branches untouched), saying which branch records what; --allow-rollback rolls back on purpose', async () => {
    const { dry, remote } = repository()
    const first = git(dry, 'rev-parse', 'HEAD').trim()
    expect((await push(dry)).code).toBe(0)
    const second = release(dry, 'two')
    expect((await push(dry)).code).toBe(0)
    const hydrated = remoteRefs(remote)

    // A branch cut before "two", with a change of its own: on another line of history.
    git(dry, 'checkout', '-q', '-b', 'stale', first)
    const stale = release(dry, 'stale')
    const refused = await push(dry)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      [
        `error: refusing to hydrate ${stale.slice(0, 7)}: it does not descend from every dry commit the branches record, so the push would roll them back:`,
        `  env/dev records ${second.slice(0, 7)}, which ${stale.slice(0, 7)} does not contain (another line of history)`,
        `  env/prod records ${second.slice(0, 7)}, which ${stale.slice(0, 7)} does not contain (another line of history)`,
        `No branch was touched. Hydrate from a commit that contains them (pull or rebase onto the latest), or pass --allow-rollback to roll the branches back to ${stale.slice(0, 7)} on purpose.`
      ].join('\n')
    )
    expect(remoteRefs(remote)).toEqual(hydrated)

    // An old checkout: in the recorded commit's history.
    git(dry, 'checkout', '-q', '--detach', first)
    const old = await push(dry)
    expect(old.code).toBe(1)
    expect(old.stderr).toContain(
      `  env/dev records ${second.slice(0, 7)}, which is newer (${first.slice(0, 7)} is in its history)`
    )
    expect(remoteRefs(remote)).toEqual(hydrated)

    // On purpose: the old commit's output is written over the newer one.
    expect((await push(dry, '--allow-rollback')).code).toBe(0)
    expect(manifest(remote, 'env/dev')).toContain('release: one')
    expect(manifest(remote, 'env/prod')).toContain('release: one')
    expect(git(remote, 'notes', '--ref=hydrator.metadata', 'show', 'refs/heads/env/dev')).toContain(
      first
    )

    // main descends from the rolled-back commit again: no flag needed to go forward.
    git(dry, 'checkout', '-q', 'main')
    expect((await push(dry)).code).toBe(0)
    expect(manifest(remote, 'env/dev')).toContain('release: two')
  })

  it('the action (no rollback on a push event): a late older run skips, a commit on another line is refused', async () => {
    const { dry, remote } = repository()
    const first = git(dry, 'rev-parse', 'HEAD').trim()
    release(dry, 'two')
    git(dry, 'push', '-q', 'origin', 'main')
    await hydrateForTest(dry)
    const hydrated = remoteRefs(remote)

    git(dry, 'checkout', '-q', '--detach', first)
    const late = await hydrateForTest(dry)
    expect(late.write.branches.map(b => b.status)).toEqual(['skipped', 'skipped'])

    git(dry, 'checkout', '-q', '-b', 'other', first)
    release(dry, 'other')
    await expect(hydrateForTest(dry)).rejects.toThrow(RollbackError)
    expect(remoteRefs(remote)).toEqual(hydrated)
  })

  it('a depth-1 clone (actions/checkout) of a newer commit is not taken for a rollback', async () => {
    const { dry, remote } = repository()
    await hydrateForTest(dry)
    release(dry, 'two')
    release(dry, 'three')
    git(dry, 'push', '-q', 'origin', 'main')
    const workspace = checkoutWorkspace(remote)
    const { write } = await hydrateForTest(workspace)
    expect(write.pushed).toBe(true)
    expect(manifest(remote, 'env/prod')).toContain('release: three')
  })
})
