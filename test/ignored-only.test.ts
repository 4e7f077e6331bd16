import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffRepository, type RepositoryDiff } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { hydrateForTest } from './helpers/engine.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  remoteRefs,
  writeFiles
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const chartYaml = (version: string) => `apiVersion: v2\nname: podinfo\nversion: ${version}\n`

const FILES: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'targets:',
    '  - { name: podinfo-dev, env: dev, source: charts/podinfo, path: podinfo }',
    '  - { name: podinfo-prod, env: prod, source: charts/podinfo, path: podinfo }',
    ''
  ].join('\n'),
  'charts/podinfo/Chart.yaml': chartYaml('1.0.0'),
  'charts/podinfo/templates/cm.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: podinfo',
    '  labels:',
    '    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}',
    'data:',
    '  level: info',
    ''
  ].join('\n')
}

describe('a chart version bump: no change the diff shows, yet the push rewrites every manifest', () => {
  let dry: string
  let remote: string
  let diff: RepositoryDiff

  beforeAll(async () => {
    ;({ dry, remote } = makeDryWithRemote({ files: FILES }))
    await hydrateForTest(dry)
    git(dry, 'checkout', '-q', '-b', 'bump')
    writeFiles(dry, { 'charts/podinfo/Chart.yaml': chartYaml('1.0.1') })
    commitAll(dry, 'Bump the chart version')
    diff = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
  })

  it('gives each target the ignored-only status, naming the field', () => {
    expect(
      diff.report.targets.map(t => [t.name, t.status, t.ignoredFields, t.resources.length])
    ).toEqual([
      ['podinfo-dev', 'ignored-only', ['helm.sh/chart label'], 0],
      ['podinfo-prod', 'ignored-only', ['helm.sh/chart label'], 0]
    ])
    expect(JSON.parse(renderJson(diff.report)).targets[0]).toMatchObject({
      status: 'ignored-only',
      ignoredFields: ['helm.sh/chart label'],
      counts: { added: 0, modified: 0, removed: 0, renamed: 0 }
    })
  })

  it('never claims "no change" in the comment, and lists the targets apart from the unchanged ones', () => {
    const markdown = renderMarkdown(diff.report)
    expect(markdown).toContain(
      '### ✅ 0 of 2 targets change, 2 only in ignored fields · no findings\n'
    )
    expect(markdown).not.toContain('no changes')
    expect(markdown).not.toContain('changes no rendered manifest')
    expect(markdown).toContain('merging it rewrites the manifests of 2 targets')
    expect(markdown).toContain('- podinfo-dev, podinfo-prod: helm.sh/chart label\n')
    expect(markdown).not.toContain('Unchanged:')
    expect(markdown).not.toContain('<details>')
  })

  it('and the push after the merge does commit to both environment branches', async () => {
    const before = remoteRefs(remote)
    git(dry, 'checkout', '-q', 'main')
    git(dry, 'merge', '-q', '--ff-only', 'bump')
    const result = await hydrateForTest(dry)
    expect(result.write.branches.map(b => [b.branch, b.status])).toEqual([
      ['env/dev', 'updated'],
      ['env/prod', 'updated']
    ])
    const after = remoteRefs(remote)
    expect(after['refs/heads/env/dev']).not.toBe(before['refs/heads/env/dev'])
    expect(git(remote, 'show', 'env/prod:podinfo/manifest.yaml')).toContain(
      'helm.sh/chart: podinfo-1.0.1'
    )
  })
})
