import fs from 'node:fs'
import { afterAll, describe, expect, it } from '@jest/globals'
import type { DiffReport } from '../src/diff/types.js'
import { diffRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { runBundledAction } from './helpers/action.js'
import { fakeGitHubForSuite } from './helpers/githubApi.js'
import { DEPLOYMENT } from './helpers/manifests.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  writeFiles
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

const github = fakeGitHubForSuite()
afterAll(cleanupTempDirs)

const CONFIG = (diff: string) =>
  `version: 1\n${diff}targets:\n  - { name: web-prod, env: prod, source: apps/web, path: web }\n`

/** main deploys web 1.0; the PR swaps the image and adds a rule that would hide it. */
function pullRequest(diff: string, chartLabel = false) {
  const label = (v: string) => (chartLabel ? `  labels: {helm.sh/chart: web-${v}}\n` : '')
  const deployment = (image: string, v: string) =>
    DEPLOYMENT('web', 2, image).replace(
      'metadata:\n  name: web\n',
      `metadata:\n  name: web\n${label(v)}`
    )
  const { dry, remote } = makeDryWithRemote({
    files: {
      'hydrate.yaml': CONFIG(chartLabel ? 'diff: {noise: false}\n' : ''),
      'apps/web/deploy.yaml': deployment('registry.example/web:1.0', '1')
    }
  })
  const baseSha = git(dry, 'rev-parse', 'HEAD').trim()
  git(dry, 'checkout', '-q', '-b', 'feature')
  writeFiles(dry, {
    'hydrate.yaml': CONFIG(diff),
    'apps/web/deploy.yaml': deployment('attacker.example/web:evil', '2')
  })
  const headSha = commitAll(dry, 'Swap the image, hide it')
  git(dry, 'push', '-q', 'origin', 'feature')
  return { dry, remote, baseSha, headSha }
}

const IGNORE_CONTAINERS =
  'diff:\n  ignore:\n    - { jsonPointers: [/spec/template/spec/containers] }\n'

describe("a PR's diff uses the base's review settings", () => {
  it('a diff.ignore the PR adds does not hide its change; the comment says what it would hide (bundled action)', async () => {
    const { remote, baseSha, headSha } = pullRequest(IGNORE_CONTAINERS)
    const run = await runBundledAction({
      workspace: checkoutWorkspace(remote, { branch: 'feature' }),
      eventName: 'pull_request',
      payload: {
        number: 5,
        pull_request: { number: 5, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha } }
      },
      env: { GITHUB_API_URL: github().url },
      inputs: { 'fail-on': 'never' }
    })
    expect(run.status).toBe(0)
    expect(run.outputs.changed).toBe('true')
    expect(JSON.parse(run.outputs['changed-targets'] ?? '[]')).toEqual(['web-prod'])
    const report = JSON.parse(
      fs.readFileSync(run.outputs['report-json'] as string, 'utf8')
    ) as DiffReport
    const web = report.targets.find(t => t.name === 'web-prod')
    expect(web?.status).toBe('changed')
    expect(web?.resources[0]?.diff).toContain('attacker.example/web:evil')
    expect(web?.wouldHide).toEqual([
      '/spec/template/spec/containers (diff.ignore) in Deployment web'
    ])
    const comment = github().comments.get(5)?.[0]?.body ?? ''
    expect(comment).toContain('attacker.example/web:evil')
    expect(comment).toContain('This change adds diff settings that would hide fields it changes')
    expect(comment).toContain(
      '> - prod / web-prod: /spec/template/spec/containers (diff.ignore) in Deployment web'
    )
    expect(run.summary).toContain(
      'This change adds diff settings that would hide fields it changes'
    )
    expect(run.stdout).toMatch(/this change adds diff\.ignore .*apply once merged/)
  })

  it('noise turned on by the PR applies once merged; a rule the base has still applies', async () => {
    const noise = pullRequest('diff: {noise: true}\n', true)
    const { report } = await diffRepository({
      repoRoot: noise.dry,
      base: noise.baseSha,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const web = report.targets[0]
    expect(web?.status).toBe('changed')
    expect(web?.resources[0]?.diff).toContain('+    helm.sh/chart: web-2')
    expect(web?.wouldHide).toEqual(['helm.sh/chart label in Deployment web'])

    // The same rule on both sides: the base's own setting hides what it always hid.
    const kept = pullRequest(IGNORE_CONTAINERS)
    git(kept.dry, 'checkout', '-q', 'main')
    writeFiles(kept.dry, { 'hydrate.yaml': CONFIG(IGNORE_CONTAINERS) })
    const base = commitAll(kept.dry, 'The base ignores containers')
    git(kept.dry, 'checkout', '-q', 'feature')
    git(kept.dry, 'merge', '-q', '--no-edit', '-X', 'theirs', 'main')
    const again = await diffRepository({
      repoRoot: kept.dry,
      base,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(again.report.targets[0]?.status).toBe('ignored-only')
    expect(again.report.targets[0]?.wouldHide).toBeUndefined()
  })
})
