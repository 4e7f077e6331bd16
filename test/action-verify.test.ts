import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { CM } from './helpers/manifests.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  git,
  makeDryWithRemote,
  tempDir
} from './helpers/repo.js'

afterAll(cleanupTempDirs)

const github = fakeGitHubForSuite()

describe('the bundled action in verify mode', () => {
  it('sets hydrate/verify: success on a verified branch head, failure on a hand-edited one', async () => {
    const api = github()
    const { remote } = makeDryWithRemote({
      files: {
        'hydrate.yaml': [
          'version: 1',
          'defaults:',
          '  branch: env/{env}',
          'targets:',
          '  - discover: environments/{env}',
          '    name: "app-{env}"',
          '    path: app',
          ''
        ].join('\n'),
        'environments/dev/cm.yaml': CM('app', 'dev'),
        'environments/prod/cm.yaml': CM('app', 'prod')
      }
    })
    const env = { GITHUB_API_URL: api.url, GITHUB_RUN_ID: '42' }
    const pushed = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'push',
      payload: { ref: 'refs/heads/main' },
      env
    })
    expect(pushed.status).toBe(0)
    // A hotfix straight to env/prod.
    const work = path.join(tempDir(), 'branches')
    git(path.dirname(work), 'clone', '-q', '-b', 'env/prod', remote, work)
    const file = path.join(work, 'app/manifest.yaml')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('value: prod', 'value: hotfix'))
    git(
      work,
      '-c',
      'user.name=Hot Fixer',
      '-c',
      'user.email=fixer@example.com',
      'commit',
      '-qam',
      'hotfix'
    )
    git(work, 'push', '-q', 'origin', 'env/prod')

    const run = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'schedule',
      payload: {},
      inputs: { mode: 'verify' },
      env
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('drift on env/prod')
    expect(run.outputs.drift).toBe('true')
    const heads = {
      dev: git(remote, 'rev-parse', 'env/dev').trim(),
      prod: git(remote, 'rev-parse', 'env/prod').trim()
    }
    const statuses = api.statuses.filter(s => s.context === 'hydrate/verify')
    expect(statuses).toEqual([
      {
        sha: heads.dev,
        context: 'hydrate/verify',
        state: 'success',
        description: 'verified, 1 path equal',
        target_url: 'https://github.com/acme/dry/actions/runs/42'
      },
      {
        sha: heads.prod,
        context: 'hydrate/verify',
        state: 'failure',
        description: 'drift, 0 paths equal; 1 edited',
        target_url: 'https://github.com/acme/dry/actions/runs/42'
      }
    ])
    expect(api.log.flatMap(r => r.problems)).toEqual([])
    expect(run.summary).toContain('hydrate verify: drift found')
    // actions/checkout's depth-1 clone fetches the branch at depth 1: no history to name the committer.
    expect(run.summary).toContain('the branch history does not say by whom')
    expect(run.summary).toContain('+  value: hotfix')
    const report = JSON.parse(fs.readFileSync(run.outputs['report-json'] ?? '', 'utf8')) as {
      branches: Array<{ branch: string; drift: boolean }>
    }
    expect(report.branches.map(b => [b.branch, b.drift])).toEqual([
      ['env/dev', false],
      ['env/prod', true]
    ])
  })
})
