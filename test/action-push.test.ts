import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runBundledAction } from './helpers/action.js'
import {
  checkoutWorkspace,
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  EXAMPLE_TARGETS,
  git,
  makeDryWithRemote,
  remoteRefs
} from './helpers/repo.js'

afterAll(cleanupTempDirs)

/** The summary's Resources changed cell per branch. */
function resourceCells(summary: string): Record<string, string> {
  return Object.fromEntries(
    [...summary.matchAll(/<code>(env\/\w+)<\/code><\/td><td>.*?<\/td><td>(.*?)<\/td>/g)].map(m => [
      m[1],
      m[2]
    ])
  )
}

describe('the bundled action (dist/index.js) on a push event', () => {
  it('hydrates every environment branch from a real clone, sets outputs and writes the job summary', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const workspace = checkoutWorkspace(remote)
    const sha = git(workspace, 'rev-parse', 'HEAD').trim()
    const token = 'ghs_e2eToken000000000000000000000000'
    const run = await runBundledAction({
      workspace,
      eventName: 'push',
      payload: { ref: 'refs/heads/main', after: sha },
      token
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const refs = remoteRefs(remote)
    const commits = JSON.parse(run.outputs.commits ?? '{}') as Record<string, string>
    expect(commits).toEqual({
      'env/dev': refs['refs/heads/env/dev'],
      'env/prod': refs['refs/heads/env/prod'],
      'env/staging': refs['refs/heads/env/staging']
    })
    expect(run.outputs.changed).toBe('true')
    expect((JSON.parse(run.outputs['changed-targets'] ?? '[]') as string[]).sort()).toEqual(
      EXAMPLE_TARGETS
    )
    // Committed by the Actions bot, with the dry repo's GitHub URL in the metadata.
    expect(git(remote, 'log', '-1', '--format=%cn <%ce>', 'refs/heads/env/prod').trim()).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>'
    )
    expect(JSON.parse(git(remote, 'show', 'refs/heads/env/prod:hydrator.metadata')).repoURL).toBe(
      'https://github.com/acme/dry'
    )
    // Summary: a row per branch with a commit link.
    expect(run.summary).toContain('Hydrated environment branches')
    expect(run.summary).toContain(`https://github.com/acme/dry/commit/${commits['env/prod']}`)
    expect(run.summary).toMatch(/<code>env\/staging<\/code>/)
    expect(run.stdout).toContain('::group::Render')
    expect(run.stdout).toContain(`::add-mask::${token}`)
    expect(`${run.stdout}${run.summary}`.replace(`::add-mask::${token}`, '')).not.toContain(token)
    expect(git(workspace, 'status', '--porcelain')).toBe('')

    // A second run of the same commit changes nothing.
    const again = await runBundledAction({
      workspace,
      eventName: 'push',
      payload: { ref: 'refs/heads/main', after: sha }
    })
    expect(again.status).toBe(0)
    expect(again.outputs.changed).toBe('false')
    expect(again.outputs.commits).toBe('{}')
    expect(remoteRefs(remote)).toEqual(refs)
    void dry
  })

  it('the targets input renders the subset and keeps every other target of the branch as it is', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const first = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'workflow_dispatch',
      payload: {}
    })
    expect(first.status).toBe(0)
    const before = remoteRefs(remote)
    const prodBefore = git(remote, 'ls-tree', '-r', 'refs/heads/env/prod')
    fs.appendFileSync(path.join(dry, 'environments/prod/webapp.yaml'), 'greeting: hi\n')
    fs.appendFileSync(path.join(dry, 'cluster/prod/quota.yaml'), '# reviewed\n')
    commitAll(dry, 'Greet prod')
    git(dry, 'push', '-q', 'origin', 'main')

    const run = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'workflow_dispatch',
      payload: {},
      inputs: { targets: 'webapp-prod' }
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.outputs['changed-targets'] ?? '')).toEqual(['webapp-prod'])
    expect(Object.keys(JSON.parse(run.outputs.commits ?? '{}'))).toEqual(['env/prod'])
    const after = remoteRefs(remote)
    expect(after['refs/heads/env/dev']).toBe(before['refs/heads/env/dev'])
    expect(after['refs/heads/env/staging']).toBe(before['refs/heads/env/staging'])
    const unchanged = (listing: string) =>
      listing.split('\n').filter(l => /\t(cluster|guestbook)\//.test(l))
    const prodAfter = git(remote, 'ls-tree', '-r', 'refs/heads/env/prod')
    expect(unchanged(prodAfter)).toEqual(unchanged(prodBefore))
    expect(unchanged(prodAfter)).toHaveLength(6)
    expect(git(remote, 'show', 'refs/heads/env/prod:webapp/manifest.yaml')).toContain('hi')
    expect(run.summary).toContain('<b>webapp-prod</b>')
    // The greeting changes the ConfigMap and, through its checksum annotation, the Deployment.
    expect(resourceCells(run.summary)['env/prod']).toBe('2 modified')
  })

  it("the summary counts the resources a push changed: one replica count is 1 of its target, 0 elsewhere; a pruned target's count as removed", async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const first = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'workflow_dispatch',
      payload: {}
    })
    expect(first.status).toBe(0)
    // A first push writes every resource of every target.
    const created = resourceCells(first.summary)
    expect(Object.keys(created).sort()).toEqual(['env/dev', 'env/prod', 'env/staging'])
    for (const cell of Object.values(created)) expect(cell).toMatch(/^\d+ added$/)
    const prodResources = git(remote, 'show', 'refs/heads/env/prod:guestbook/manifest.yaml')
      .split(/^---$/m)
      .filter(doc => doc.includes('kind:'))
    expect(prodResources.length).toBeGreaterThanOrEqual(3)

    const replicas = path.join(dry, 'apps/guestbook/overlays/prod/replicas.yaml')
    fs.writeFileSync(
      replicas,
      fs.readFileSync(replicas, 'utf8').replace('replicas: 4', 'replicas: 5')
    )
    commitAll(dry, 'Five guestbook replicas in prod')
    git(dry, 'push', '-q', 'origin', 'main')
    const run = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'workflow_dispatch',
      payload: {},
      inputs: { full: 'true' }
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.summary).toContain('Resources changed')
    expect(run.summary).toContain('<b>guestbook-prod</b>')
    expect(resourceCells(run.summary)).toEqual({
      'env/dev': '0',
      'env/prod': '1 modified',
      'env/staging': '0'
    })

    // A target removed from the config: the resources of its pruned output count as removed.
    const devResources = git(remote, 'show', 'refs/heads/env/dev:guestbook/manifest.yaml')
      .split(/^---$/m)
      .filter(doc => doc.includes('kind:')).length
    fs.rmSync(path.join(dry, 'apps/guestbook/overlays/dev'), { recursive: true })
    commitAll(dry, 'No guestbook in dev')
    git(dry, 'push', '-q', 'origin', 'main')
    const prune = await runBundledAction({
      workspace: checkoutWorkspace(remote),
      eventName: 'workflow_dispatch',
      payload: {},
      inputs: { full: 'true' }
    })
    expect(prune.status).toBe(0)
    expect(prune.summary).toContain('pruned <code>guestbook</code> (target guestbook-dev removed)')
    expect(resourceCells(prune.summary)).toEqual({
      'env/dev': `${devResources} removed`,
      'env/prod': '0',
      'env/staging': '0'
    })
  })

  it('fails the step and pushes nothing when a target does not render', async () => {
    const { dry, remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    fs.writeFileSync(
      path.join(dry, 'charts/webapp/templates/broken.yaml'),
      '{{ .Values.nope.missing }}\n'
    )
    commitAll(dry, 'Break the chart')
    git(dry, 'push', '-q', 'origin', 'main')
    const workspace = checkoutWorkspace(remote, { full: true })
    const run = await runBundledAction({ workspace, eventName: 'workflow_dispatch', payload: {} })
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/::error::3 targets failed to render:/)
    expect(run.stdout).toContain('target webapp-prod: helm template webapp exited with code 1')
    expect(Object.keys(remoteRefs(remote))).toEqual(['refs/heads/main'])
  })

  it('push: false plans and pushes nothing; an unknown event without a mode is a clear error', async () => {
    const { remote } = makeDryWithRemote({ from: EXAMPLE_REPO })
    const workspace = checkoutWorkspace(remote, { full: true })
    const planned = await runBundledAction({
      workspace,
      eventName: 'schedule',
      payload: {},
      inputs: { push: 'false' }
    })
    expect(planned.status).toBe(0)
    expect(planned.summary).toContain('push: false')
    expect(Object.keys(remoteRefs(remote))).toEqual(['refs/heads/main'])
    const unknown = await runBundledAction({ workspace, eventName: 'issues', payload: {} })
    expect(unknown.status).toBe(1)
    expect(unknown.stdout).toContain('::error::cannot choose a mode for the "issues" event')
  })
})
