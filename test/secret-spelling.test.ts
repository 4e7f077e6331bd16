import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { isCoreSecret } from '../src/manifests/resource.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { cleanupTempDirs, commitAll, git, makeRepo, writeFiles } from './helpers/repo.js'
import { HELM3, HELM4, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const SECRET = 'Sl4sh-V1-Secret-Never-Shown'
const secret = (apiVersion: string, name: string) =>
  `apiVersion: ${apiVersion}\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  password: ${SECRET}\n`

/** A PR that adds core Secrets spelled as Go's ParseGroupVersion still reads core v1. */
function pullRequest() {
  const repo = makeRepo({
    files: {
      'hydrate.yaml': [
        'version: 1',
        'targets:',
        '  - { name: plain-dev, env: dev, source: plain, path: plain }',
        '  - { name: kust-dev, env: dev, source: kust, path: kust }',
        '  - { name: chart-dev, env: dev, source: chart, path: chart }',
        ''
      ].join('\n'),
      'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      'kust/kustomization.yaml': 'resources: [cm.yaml]\n',
      'kust/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n'
    }
  })
  const base = git(repo, 'rev-parse', 'HEAD').trim()
  writeFiles(repo, {
    'plain/secret.yaml': [secret('/v1', 'slash'), secret('"v1"', 'quoted')].join('---\n'),
    'kust/kustomization.yaml': 'resources: [cm.yaml, secret.yaml]\n',
    'kust/secret.yaml': secret('/v1', 'kslash'),
    'chart/templates/secret.yaml': secret('/v1', 'hslash')
  })
  commitAll(repo, 'Add Secrets')
  return { repo, base }
}

describe('a core Secret by its parsed group/version/kind', () => {
  it('the predicate: core group whatever the spelling, never another group', () => {
    for (const apiVersion of ['v1', '/v1', '/', '', 'v2', undefined, 1])
      expect(isCoreSecret({ apiVersion, kind: 'Secret' })).toBe(true)
    for (const apiVersion of ['example.com/v1', 'x/v1'])
      expect(isCoreSecret({ apiVersion, kind: 'Secret' })).toBe(false)
    expect(isCoreSecret({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe(false)
  })

  it.each([
    ['helm 3', HELM3],
    ['helm 4', HELM4]
  ])('apiVersion /v1 is masked in the diff and flagged (%s, kustomize, plain)', async (_, helm) => {
    const { repo, base } = pullRequest()
    const { report } = await diffRepository({
      repoRoot: repo,
      base,
      logger: new MemoryLogger(),
      env: toolEnv(helm)
    })
    const shown = renderMarkdown(report) + renderJson(report)
    expect(shown).not.toContain(SECRET)
    expect(shown).not.toContain(Buffer.from(SECRET).toString('base64'))
    expect(shown).toContain(`password: "<secret: ${SECRET.length} bytes, added>"`)
    const flagged = report.findings
      .filter(f => f.rule === 'plaintext-secret')
      .map(f => f.resource)
      .sort()
    expect(flagged).toEqual(['Secret hslash', 'Secret kslash', 'Secret quoted', 'Secret slash'])
    const added = report.targets.flatMap(t => t.resources.filter(r => r.kind === 'Secret'))
    expect(added.map(r => r.name).sort()).toEqual(['hslash', 'kslash', 'quoted', 'slash'])
  })
})
