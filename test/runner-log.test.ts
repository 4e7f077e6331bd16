import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  writeFiles
} from './helpers/repo.js'
import { ROOT, toolEnv } from './helpers/tools.js'

const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

/** A chart dependency name that tries every way into the runner's command parser. */
const HOSTILE_NAME =
  'x ##[add-mask]hide\\n\\u0085::warning file=README.md,line=1::forged\\n\\u3000\\u00a0::error::also\\n##[stop-commands]pwn'

/** The lines the runner reads commands from: split at \r and \n only, as .NET's ReadLine does. */
const DOTNET_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/
function workflowCommands(log: string): string[] {
  return (
    log
      .split(/\r\n|\r|\n/)
      .filter(line => line.includes('##[') || line.replace(DOTNET_SPACE, '').startsWith('::'))
      // The action's own commands (add-mask, annotations) are fine; any with the name's words are not.
      .filter(line => /forged|also|pwn|hide/.test(line) || !/^::[a-z-]+::/.test(line))
  )
}

/** A PR that adds an unpinned chart dependency with that name: its target's `affected:` line says it. */
function pullRequest() {
  const { dry, remote } = makeDryWithRemote({
    files: {
      'hydrate.yaml':
        'version: 1\ntargets:\n  - { name: app-dev, env: dev, source: charts/app, path: app }\n',
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n'
    }
  })
  const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
  git(dry, 'checkout', '-q', '-b', 'feature')
  writeFiles(dry, {
    'charts/app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: "${HOSTILE_NAME}"\n    repository: https://charts.invalid/repo\n`
  })
  const headSha = commitAll(dry, 'Add a dependency')
  git(dry, 'push', '-q', 'origin', 'feature')
  return { dry, remote, baseSha, headSha }
}

describe('log lines under GitHub Actions', () => {
  it('the action: a hostile chart dependency name reaches the log with no workflow command in it', async () => {
    const { remote, baseSha, headSha } = pullRequest()
    const workspace = checkoutWorkspace(remote, { branch: 'feature' })
    const run = await runBundledAction({
      workspace,
      eventName: 'pull_request',
      payload: {
        number: 3,
        pull_request: { number: 3, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
      },
      env: { GITHUB_API_URL: github().url },
      inputs: { 'fail-on': 'never' }
    })
    // The name is there (the line is not dropped), only harmless.
    expect(run.stdout).toMatch(/affected: app-dev \(always rendered: .*x #\u200b#\[add-mask\]hide/)
    expect(run.stdout).toContain('forged')
    expect(run.stdout).toContain('pwn')
    expect(workflowCommands(run.stdout)).toEqual([])
  })

  it('the CLI with GITHUB_ACTIONS=true: the same, on stderr and stdout', () => {
    const { dry, baseSha } = pullRequest()
    const cli = (env: NodeJS.ProcessEnv) =>
      spawnSync(
        process.execPath,
        [path.join(ROOT, 'dist', 'cli', 'index.js'), 'diff', '-C', dry, '--base', baseSha],
        { env, encoding: 'utf8' }
      )
    const run = cli({ ...toolEnv(), GITHUB_ACTIONS: 'true' })
    expect(run.stderr).toMatch(/affected: app-dev \(always rendered: .*x #\u200b#\[add-mask\]hide/)
    expect(run.stderr).toContain('forged')
    expect(workflowCommands(run.stderr)).toEqual([])
    expect(workflowCommands(run.stdout)).toEqual([])
    // Outside Actions the CLI prints the text as it is (nothing parses it there).
    const local = cli({ ...toolEnv(), GITHUB_ACTIONS: '' })
    expect(local.stderr).toContain('##[stop-commands]pwn')
  })
})
