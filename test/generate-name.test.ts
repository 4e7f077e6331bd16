import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffRepository, renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { argoReference, buildArgoReference } from './helpers/argoReference.js'
import { cleanupTempDirs, commitAll, git, makeRepo, writeFiles } from './helpers/repo.js'
import { HELM_VERSIONS, toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

let reference = ''
beforeAll(() => {
  reference = buildArgoReference()
})

/** A chart with a Deployment and a pre-install/PreSync migration Job named by generateName. */
const CHART: Record<string, string> = {
  'hydrate.yaml':
    'version: 1\ntargets:\n  - { name: db-prod, env: prod, source: charts/db, path: db, helm: { releaseName: db, namespace: db } }\n',
  'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
  'charts/db/values.yaml': 'image: postgres:16.4\n',
  'charts/db/templates/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: {{ .Release.Name }}, namespace: {{ .Release.Namespace }}}',
    'spec:',
    '  selector: {matchLabels: {app: db}}',
    '  template:',
    '    metadata: {labels: {app: db}}',
    '    spec:',
    '      containers: [{name: db, image: {{ .Values.image | quote }}}]',
    ''
  ].join('\n'),
  'charts/db/templates/migrate.yaml': [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  generateName: {{ .Release.Name }}-migrate-',
    '  namespace: {{ .Release.Namespace }}',
    '  annotations:',
    '    helm.sh/hook: pre-install,pre-upgrade',
    '    argocd.argoproj.io/hook: PreSync',
    '    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers: [{name: migrate, image: {{ .Values.image | quote }}, args: [migrate]}]',
    ''
  ].join('\n')
}

describe.each(HELM_VERSIONS)('a helm hook Job with generateName on $label', ({ bin }) => {
  it('is kept in manifest.yaml byte for byte as Argo CD writes it, with no finding', async () => {
    const repo = makeRepo({ files: CHART })
    const env = toolEnv(bin)
    const result = await renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env })
    expect(result.errors).toEqual([])
    expect(result.policy.findings).toEqual([])
    const [rendered] = result.rendered
    expect(rendered?.resources.map(r => `${r.kind} ${r.namespace}/${r.name}`)).toEqual([
      'Deployment db/db',
      'Job db/db-migrate-*'
    ])
    const manifest = result.layouts[0]?.files.get('db/manifest.yaml') as string
    const helmOutput = execFileSync(bin, ['template', 'db', 'charts/db', '--namespace', 'db'], {
      cwd: repo,
      env,
      encoding: 'utf8'
    })
    expect(manifest).toBe(argoReference(reference, helmOutput, 'yaml'))
    expect(manifest).toContain('  generateName: db-migrate-\n')
  })
})

const hookJob = (prefix: string, args: string) =>
  [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  generateName: ${prefix}`,
    '  namespace: db',
    '  annotations: {argocd.argoproj.io/hook: PreSync}',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    `      containers: [{name: step, image: "migrate:1.2.0", args: [${args}]}]`,
    ''
  ].join('\n')

describe('two hook Jobs with one generateName in a plain directory', () => {
  const files = {
    'hydrate.yaml': 'version: 1\ntargets:\n  - { name: hooks-prod, env: prod, source: hooks }\n',
    'hooks/jobs.yaml': `${hookJob('migrate-', 'schema')}---\n${hookJob('migrate-', 'seed')}`,
    'hooks/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n'
  }

  it('keeps both in their rendered order, and byte for byte as Argo CD writes them', async () => {
    const repo = makeRepo({ files })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.errors).toEqual([])
    expect(result.policy.findings).toEqual([])
    expect(result.rendered[0]?.resources.map(r => r.id)).toEqual([
      'batch/Job/db/migrate-*',
      'batch/Job/db/migrate-*#2',
      '/ConfigMap//settings'
    ])
    const manifest = result.layouts[0]?.files.get('hooks/manifest.yaml') as string
    const stream = `${files['hooks/jobs.yaml']}---\n${files['hooks/settings.yaml']}`
    expect(manifest).toBe(argoReference(reference, stream, 'yaml'))
    expect(manifest.match(/generateName: migrate-/g)).toHaveLength(2)
  })

  it('a change to the second shows as a modification of that one only', async () => {
    const repo = makeRepo({ files })
    git(repo, 'checkout', '-q', '-b', 'feature')
    writeFiles(repo, {
      'hooks/jobs.yaml': `${hookJob('migrate-', 'schema')}---\n${hookJob('migrate-', 'seed, --demo')}`
    })
    commitAll(repo, 'Seed demo data')
    const { report } = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const [target] = report.targets
    expect(target?.counts).toEqual({ added: 0, modified: 1, removed: 0, renamed: 0 })
    expect(target?.resources).toEqual([
      expect.objectContaining({
        group: 'batch',
        kind: 'Job',
        namespace: 'db',
        name: 'migrate-*#2',
        change: 'modified'
      })
    ])
    expect(target?.resources[0]?.diff).toMatch(
      /^--- base\/Job db\/migrate-\*#2\n\+\+\+ head\/Job db\/migrate-\*#2\n/
    )
    expect(target?.resources[0]?.diff).toContain('\n             - seed\n+            - --demo\n')
    // Markdown escapes `*` and `#` as entities: GitHub shows "Job db/migrate-*#2".
    expect(renderMarkdown(report)).toContain('#### Job db/migrate-&#42;&#35;2')
  })
})
