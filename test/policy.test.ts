import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { diffRepository, hydrateRepository, PolicyError, renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { mutableImageReason } from '../src/policy/rules.js'
import { renderJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeDryWithRemote,
  makeRepo,
  remoteRefs,
  tempDir,
  writeFiles
} from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const GENERATED = 'Gen3rated-Literal-Value'
const CHART_SECRET = 'Ch4rt-Rendered-Secret'

const pod = (containers: string) => `      containers:\n${containers}`
const FILES: Record<string, string> = {
  'hydrate.yaml': [
    'version: 1',
    'targets:',
    '  - { name: generated, env: prod, source: generated }',
    '  - { name: chart, env: prod, source: chart }',
    '  - { name: sops, env: prod, source: sops }',
    '  - { name: images, env: prod, source: images }',
    '  - { name: dupes, env: prod, source: dupes }',
    '  - { name: invalid, env: prod, source: invalid }',
    '  - { name: clean, env: prod, source: clean }',
    ''
  ].join('\n'),
  // A kustomize secretGenerator.
  'generated/kustomization.yaml': `secretGenerator:\n  - name: creds\n    literals: [token=${GENERATED}]\n`,
  // A helm chart that renders a Secret.
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
  'chart/values.yaml': `password: ${CHART_SECRET}\n`,
  'chart/templates/secret.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\ndata:\n  password: {{ .Values.password | b64enc }}\n',
  // A SOPS-encrypted Secret (as `sops -e` writes it).
  'sops/secret.yaml': [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: api-key',
    'data:',
    '  key: ENC[AES256_GCM,data:T3BhcXVl,iv:aXY=,tag:dGFn,type:str]',
    'sops:',
    '  age:',
    '    - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq',
    '      enc: "-----BEGIN AGE ENCRYPTED FILE-----"',
    '  lastmodified: "2026-01-01T00:00:00Z"',
    '  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]',
    '  version: 3.9.0',
    ''
  ].join('\n'),
  // An initContainer without a tag, a CronJob with :latest, a digest and an explicit tag.
  'images/deploy.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      initContainers:',
    '        - {name: migrate, image: ghcr.io/example/migrate}',
    pod(
      '        - {name: web, image: "ghcr.io/example/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}\n        - {name: proxy, image: "registry:5000/envoy:v1.31.0"}'
    ),
    ''
  ].join('\n'),
  'images/cron.yaml': [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata: {name: report}',
    'spec:',
    '  schedule: "0 * * * *"',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        spec:',
    '          restartPolicy: Never',
    '          containers: [{name: report, image: "busybox:latest"}]',
    ''
  ].join('\n'),
  // The same ConfigMap in two files of a plain directory.
  'dupes/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {from: a}\n',
  'dupes/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {from: b}\n',
  // A Service with port "eighty", an object without a name.
  'invalid/svc.yaml':
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - port: eighty\n',
  'invalid/nameless.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
  'invalid/custom.yaml':
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: huge}\n',
  'clean/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: b}\n'
}

function findingsOf(
  findings: Array<{
    target: string
    rule: string
    severity: string
    resource: string
    message: string
  }>
) {
  return findings.map(f => [f.target, f.rule, f.severity, f.resource]).sort()
}

describe('policy rules on real rendered output', () => {
  it('finds each problem, exempts SOPS, skips and counts custom resources, and never prints a secret value', async () => {
    const repo = makeRepo({ files: FILES })
    const logger = new MemoryLogger()
    const result = await renderRepository({ repoRoot: repo, logger, env: toolEnv() })
    expect(result.errors).toEqual([])
    expect(findingsOf(result.policy.findings)).toEqual(
      [
        ['chart', 'plaintext-secret', 'error', 'Secret chart-db'],
        ['dupes', 'duplicate-resource', 'error', 'ConfigMap shared'],
        [
          'generated',
          'plaintext-secret',
          'error',
          expect.stringMatching(/^Secret creds-[a-z0-9]+$/)
        ],
        ['images', 'mutable-image-tag', 'warning', 'CronJob report'],
        ['images', 'mutable-image-tag', 'warning', 'Deployment web'],
        ['invalid', 'invalid-resource', 'error', 'ConfigMap'],
        ['invalid', 'schema', 'error', 'Service web']
      ].sort()
    )
    const messages = result.policy.findings.map(f => f.message)
    expect(messages).toContain(
      'images/deploy.yaml: spec.template.spec.initContainers[0] (migrate) image ghcr.io/example/migrate has no tag (it means :latest)'
    )
    expect(messages).toContain(
      'images/cron.yaml: spec.jobTemplate.spec.template.spec.containers[0] (report) image busybox:latest uses the mutable tag :latest'
    )
    expect(messages).toContain('invalid/svc.yaml: v1 Service: /spec/ports/0/port must be integer')
    expect(messages.filter(m => m.startsWith('Secret would be committed')).sort()).toEqual([
      'Secret would be committed to Git in plaintext (data.password); use SOPS, Sealed Secrets or External Secrets, or set allowSecrets: true on the target',
      'Secret would be committed to Git in plaintext (data.token); use SOPS, Sealed Secrets or External Secrets, or set allowSecrets: true on the target'
    ])
    expect(result.policy.stats.schemaSkipped).toBe(1) // the Widget custom resource
    expect(result.policy.stats.sopsExempt).toBe(1)
    expect(result.policy.stats.schemaChecked).toBeGreaterThan(5)
    const everything = JSON.stringify(result.policy) + logger.lines.join('\n')
    for (const value of [GENERATED, CHART_SECRET]) {
      expect(everything).not.toContain(value)
      expect(everything).not.toContain(Buffer.from(value).toString('base64'))
    }
  })

  it('honours allowSecrets, rule severities and requireDigest, globally and per target', async () => {
    const config = [
      'version: 1',
      'policy:',
      '  rules: { schema: off, mutable-image-tag: error }',
      'targets:',
      '  - { name: generated, env: prod, source: generated, allowSecrets: true }',
      '  - { name: images, env: prod, source: images, policy: { rules: { mutable-image-tag: warning }, requireDigest: true } }',
      '  - { name: invalid, env: prod, source: invalid, policy: { rules: { invalid-resource: warning } } }',
      ''
    ].join('\n')
    const repo = makeRepo({ files: { ...FILES, 'hydrate.yaml': config } })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(findingsOf(result.policy.findings)).toEqual(
      [
        ['images', 'mutable-image-tag', 'warning', 'CronJob report'],
        ['images', 'mutable-image-tag', 'warning', 'Deployment web'],
        ['images', 'mutable-image-tag', 'warning', 'Deployment web'], // the tagged proxy image, now that digests are required
        ['invalid', 'invalid-resource', 'warning', 'ConfigMap']
      ].sort()
    )
    expect(
      result.policy.findings.some(f =>
        f.message.includes('registry:5000/envoy:v1.31.0 is not pinned by digest')
      )
    ).toBe(true)
  })

  it('requires digests only in the environments requireDigest lists', async () => {
    const config = [
      'version: 1',
      'policy:',
      '  rules: { schema: off }',
      '  requireDigest: [prod]',
      'targets:',
      '  - { name: images-dev, env: dev, source: images }',
      '  - { name: images-prod, env: prod, source: images }',
      ''
    ].join('\n')
    const repo = makeRepo({ files: { ...FILES, 'hydrate.yaml': config } })
    const result = await renderRepository({
      repoRoot: repo,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const pinned = (target: string) =>
      result.policy.findings.filter(
        f => f.target === target && f.message.includes('is not pinned by digest')
      )
    expect(pinned('images-dev')).toEqual([])
    expect(pinned('images-prod').map(f => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('registry:5000/envoy:v1.31.0 is not pinned by digest')
      ])
    )
    fs.writeFileSync(
      path.join(repo, 'hydrate.yaml'),
      config.replace('requireDigest: [prod]', 'requireDigest: {prod: true}')
    )
    await expect(
      renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env: toolEnv() })
    ).rejects.toThrow(/hydrate\.yaml:4:18: .*requireDigest/)
  })

  it('rejects unknown rules and bad severities in the config with line and column', async () => {
    const repo = makeRepo({
      files: {
        ...FILES,
        'hydrate.yaml':
          'version: 1\npolicy:\n  rules:\n    plaintext-secrets: off\ntargets:\n  - { name: c, env: prod, source: clean }\n'
      }
    })
    await expect(
      renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env: toolEnv() })
    ).rejects.toThrow(/hydrate\.yaml:4:5: unknown key "plaintext-secrets" in policy\.rules/)
    fs.writeFileSync(
      path.join(repo, 'hydrate.yaml'),
      'version: 1\npolicy:\n  rules:\n    schema: fatal\ntargets:\n  - { name: c, env: prod, source: clean }\n'
    )
    await expect(
      renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env: toolEnv() })
    ).rejects.toThrow(/hydrate\.yaml:4:13: policy\.rules\.schema must be error, warning or off/)
  })
})

describe('mutable image references', () => {
  it.each([
    ['nginx', 'has no tag (it means :latest)'],
    ['nginx:latest', 'uses the mutable tag :latest'],
    ['localhost:5000/app', 'has no tag (it means :latest)'],
    ['localhost:5000/app:1.2', undefined],
    ['nginx:1.27.0', undefined],
    ['nginx@sha256:' + 'a'.repeat(64), undefined],
    ['nginx:1.27.0@sha256:' + 'a'.repeat(64), undefined]
  ])('%s', (image, reason) => {
    expect(mutableImageReason(image, false)).toBe(reason)
  })
})

describe('where findings go', () => {
  const cli = async (args: string[]) => {
    const stderr: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) =>
      stderr.push(chunk) > 0) as typeof process.stderr.write
    const previousPath = process.env.PATH
    process.env.PATH = toolEnv().PATH
    try {
      const code = await runCli(args, { write: () => true } as unknown as NodeJS.WritableStream)
      return { code, stderr: stderr.join('') }
    } finally {
      process.stderr.write = write
      process.env.PATH = previousPath
    }
  }

  it('render: exit status follows --fail-on', async () => {
    const only = (target: string) =>
      makeRepo({
        files: {
          ...FILES,
          'hydrate.yaml': `version: 1\ntargets:\n  - { name: ${target}, env: prod, source: ${target} }\n`
        }
      })
    const secrets = only('chart')
    const images = only('images')
    const clean = only('clean')
    const out = () => ['--out', tempDir()]
    expect((await cli(['render', '-C', secrets, ...out()])).code).toBe(1)
    expect((await cli(['render', '-C', secrets, ...out(), '--fail-on', 'never'])).code).toBe(0)
    expect((await cli(['render', '-C', images, ...out()])).code).toBe(0)
    expect((await cli(['render', '-C', images, ...out(), '--fail-on', 'warning'])).code).toBe(1)
    expect((await cli(['render', '-C', clean, ...out(), '--fail-on', 'warning'])).code).toBe(0)
    const failed = await cli(['render', '-C', secrets, ...out()])
    expect(failed.stderr).toContain(
      'error: 1 policy finding blocks this:\n- error [plaintext-secret] chart Secret chart-db'
    )
    expect(failed.stderr).not.toContain(CHART_SECRET)
    expect(failed.stderr).not.toContain(Buffer.from(CHART_SECRET).toString('base64'))
    expect((await cli(['render', '-C', clean, ...out(), '--fail-on', 'sometimes'])).code).toBe(2)
  })

  it('push: an error finding blocks the push whatever fail-on says; warnings only with fail-on warning', async () => {
    const { dry, remote } = makeDryWithRemote({ files: FILES })
    for (const failOn of ['error', 'never'] as const) {
      await expect(
        hydrateRepository({ repoRoot: dry, logger: new MemoryLogger(), env: toolEnv(), failOn })
      ).rejects.toThrow(PolicyError)
    }
    expect(Object.keys(remoteRefs(remote))).toEqual(['refs/heads/main'])

    const images = makeDryWithRemote({
      files: {
        ...FILES,
        'hydrate.yaml': 'version: 1\ntargets:\n  - { name: images, env: prod, source: images }\n'
      }
    })
    await expect(
      hydrateRepository({
        repoRoot: images.dry,
        logger: new MemoryLogger(),
        env: toolEnv(),
        failOn: 'warning'
      })
    ).rejects.toThrow(/mutable-image-tag/)
    expect(Object.keys(remoteRefs(images.remote))).toEqual(['refs/heads/main'])
    const logger = new MemoryLogger()
    const { write } = await hydrateRepository({ repoRoot: images.dry, logger, env: toolEnv() })
    expect(write.pushed).toBe(true)
    expect(
      logger.lines.some(l => l.startsWith('warning: [mutable-image-tag] images Deployment web'))
    ).toBe(true)
  })

  it('diff: findings are in the JSON and markdown, pre-existing ones are marked, and the exit status follows fail-on', async () => {
    const repo = makeRepo({
      files: {
        ...FILES,
        'hydrate.yaml':
          'version: 1\ntargets:\n  - { name: images, env: prod, source: images }\n  - { name: clean, env: prod, source: clean }\n'
      }
    })
    git(repo, 'checkout', '-q', '-b', 'change')
    writeFiles(repo, {
      'clean/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: leaked}\nstringData: {password: ${CHART_SECRET}}\n`
    })
    commitAll(repo, 'Add a plaintext secret')
    // Only the changed target is rendered, so only its findings are reported...
    const affectedOnly = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(affectedOnly.report.findings.map(f => f.rule)).toEqual(['plaintext-secret'])
    // ...and a full render shows the unaffected target's findings as pre-existing.
    const result = await diffRepository({
      repoRoot: repo,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv(),
      full: true
    })
    const findings = result.report.findings
    expect(findings.find(f => f.rule === 'plaintext-secret')).toMatchObject({
      target: 'clean',
      resource: 'Secret leaked',
      severity: 'error'
    })
    expect(findings.find(f => f.rule === 'plaintext-secret')?.preExisting).toBeUndefined()
    expect(
      findings.filter(f => f.rule === 'mutable-image-tag').every(f => f.preExisting === true)
    ).toBe(true)
    const markdown = renderMarkdown(result.report)
    expect(markdown).toContain(
      '> - <b>plaintext-secret</b> · prod / clean · <code>Secret leaked</code>: clean/secret.yaml: Secret would be committed'
    )
    // Pre-existing findings are collapsed in one line with their count, apart from the new.
    const [fresh, preExisting] = markdown.split('<details><summary>2 pre-existing findings')
    expect(fresh).not.toContain('mutable-image-tag')
    expect(preExisting).toMatch(
      /\| pre-existing \| <b>mutable-image-tag<\/b>: [^|]+ \| prod \/ images<br><code>CronJob report<\/code>/
    )
    const json = renderJson(result.report)
    expect(JSON.parse(json).findings).toHaveLength(3)
    for (const text of [markdown, json]) {
      expect(text).not.toContain(CHART_SECRET)
      expect(text).not.toContain(Buffer.from(CHART_SECRET).toString('base64'))
    }
    const diffExit = async (...flags: string[]) =>
      (
        await cli([
          'diff',
          '-C',
          repo,
          '--base',
          'main',
          '--out',
          path.join(tempDir(), 'r.md'),
          ...flags
        ])
      ).code
    expect(await diffExit()).toBe(1)
    expect(await diffExit('--fail-on', 'never')).toBe(0)
    // Only pre-existing warnings: fail-on warning does not fail a change that adds none.
    git(repo, 'checkout', '-q', 'main')
    git(repo, 'checkout', '-q', '-b', 'harmless')
    writeFiles(repo, {
      'clean/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: c}\n'
    })
    commitAll(repo, 'Harmless')
    expect(await diffExit('--fail-on', 'warning')).toBe(0)
  })
})
