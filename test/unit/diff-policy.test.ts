import { beforeAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF, type Target } from '../../src/config/types.js'
import { diffResources } from '../../src/diff/resources.js'
import { diffVerdict, renderVerdict, type RepositoryRender } from '../../src/engine.js'
import { parseManifests } from '../../src/manifests/parse.js'
import { checkPolicy, type PolicyResult } from '../../src/policy/index.js'
import type { RenderedTarget } from '../../src/render/index.js'
import type { DiffReport } from '../../src/diff/types.js'
import { restrictOptIns } from '../../src/targets/optIns.js'

/** Pure stages on parsed manifests: no tool runs here. */
const target = { name: 'web-dev', env: 'dev', allowSecrets: false } as Target

function rendered(text: string): RenderedTarget {
  const { resources, problems } = parseManifests(text, target.name)
  return { target, resources, problems, commands: [], tools: {}, warnings: [], durationMs: 0 }
}

const secret = (name: string, value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: web\nstringData:\n  password: ${value}\n`
const configMap = (suffix: string, level: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config-${suffix}\n  namespace: web\ndata:\n  LEVEL: ${level}\n`

describe('resource diff on parsed manifests', () => {
  it('pairs a kustomize hash-suffix change as a rename and masks Secret values', () => {
    const base = rendered(`${configMap('7b9c5k', 'info')}---\n${secret('db', 'old-password-1')}`)
    const head = rendered(`${configMap('m2h4t8', 'debug')}---\n${secret('db', 'new-password-2')}`)
    const { resources, counts } = diffResources(base.resources, head.resources, DEFAULT_DIFF)
    expect(counts).toEqual({ added: 0, modified: 1, removed: 0, renamed: 1 })
    const rename = resources.find(r => r.change === 'renamed')
    expect(rename).toMatchObject({ name: 'app-config-m2h4t8', previousName: 'app-config-7b9c5k' })
    expect(rename?.diff).toContain('-  LEVEL: info\n+  LEVEL: debug')
    const text = JSON.stringify(resources)
    expect(text).not.toContain('old-password-1')
    expect(text).not.toContain('new-password-2')
    expect(resources.find(r => r.kind === 'Secret')?.diff).toContain(
      '+  password: "<secret: 14 bytes, changed>"'
    )
  })
})

describe('objects with only generateName in the diff and the rules', () => {
  const job = (image: string, args: string) =>
    `apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  namespace: db\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{ name: m, image: "${image}", args: [${args}] }]\n`

  it('an ignore rule may name the generateName; findings name the object readably', async () => {
    const base = rendered(`${job('migrate:1', 'a')}---\n${job('migrate:1', 'b')}`)
    const head = rendered(`${job('migrate:1', 'a')}---\n${job('migrate', 'b2')}`)
    const ignore = [
      { kind: 'Job', name: 'migrate-', jsonPointers: ['/spec/template/spec/containers/0/args'] }
    ]
    const { resources } = diffResources(base.resources, head.resources, { ...DEFAULT_DIFF, ignore })
    expect(resources.map(r => [r.name, r.change])).toEqual([['migrate-*#2', 'modified']])
    expect(resources[0]?.diff).toContain('-          image: migrate:1\n+          image: migrate\n')
    expect(resources[0]?.diff).not.toContain('b2')
    const { findings } = await checkPolicy([head], { rules: {} })
    expect(findings.map(f => `${f.rule} ${f.resource}`)).toEqual([
      'mutable-image-tag Job db/migrate-*#2'
    ])
  })
})

describe('policy and the verdict', () => {
  const items = rendered(
    `apiVersion: v1\nkind: SecretList\nitems:\n  - metadata:\n      name: listed\n    stringData:\n      token: abc\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec:\n      containers: [{ name: web, image: nginx }]\n`
  )
  let policy: PolicyResult
  beforeAll(async () => {
    policy = await checkPolicy([items], { rules: {} })
  })

  it('sees List items and untagged images', () => {
    expect(policy.findings.map(f => `${f.severity} ${f.rule} ${f.resource}`)).toEqual([
      'error plaintext-secret Secret listed',
      'warning mutable-image-tag Deployment web'
    ])
  })

  it('decides blocking and warnings in one place for every fail-on', () => {
    const result = { policy, errors: [] } as unknown as RepositoryRender
    const rules = (fs: { rule: string }[]) => fs.map(f => f.rule)
    expect(rules(renderVerdict(result, 'error').blocking)).toEqual(['plaintext-secret'])
    expect(rules(renderVerdict(result, 'error').warnings)).toEqual(['mutable-image-tag'])
    expect(rules(renderVerdict(result, 'warning').blocking)).toHaveLength(2)
    expect(renderVerdict(result, 'never').blocking).toEqual([])
    // In a diff, a finding the base already had only warns.
    const report: DiffReport = {
      base: 'a',
      head: 'b',
      targets: [],
      findings: policy.findings.map((f, i) => ({ ...f, preExisting: i === 0 }))
    }
    expect(rules(diffVerdict(report, 'warning').blocking)).toEqual(['mutable-image-tag'])
    expect(diffVerdict(report, 'warning').failure).toBeUndefined()
    const failed = { ...report, targets: [{ name: 'x', status: 'error' }] } as DiffReport
    expect(diffVerdict(failed, 'never').failure?.message).toBe(
      '1 target failed to render (shown in the report): x'
    )
  })
})

describe('opt-ins a change may not grant itself', () => {
  it('withholds read- and run-widening kustomize settings the base does not give the target', () => {
    const kustomize = (o: Partial<Target['kustomize']> = {}) => ({
      enableHelm: false,
      loadRestrictor: 'rootOnly' as const,
      allowRemoteBases: false,
      allowOutsideReads: false,
      ...o
    })
    const t = (name: string, o: Partial<Target['kustomize']> = {}) =>
      ({ name, kustomize: kustomize(o) }) as Target
    const wide = { enableHelm: true, allowOutsideReads: true, loadRestrictor: 'none' as const }
    const { targets, withheld } = restrictOptIns(
      [t('new', wide), t('granted', wide), t('plain')],
      [t('granted', wide), t('plain')]
    )
    expect(withheld).toEqual([
      {
        target: 'new',
        settings: [
          'kustomize.allowOutsideReads',
          'kustomize.loadRestrictor',
          'kustomize.enableHelm'
        ]
      }
    ])
    expect(targets[0]?.kustomize).toEqual(kustomize())
    expect(targets[1]?.kustomize).toEqual(kustomize(wide))
    // allowSecrets would hide the change's own plaintext Secrets from its review.
    const secrets = restrictOptIns(
      [{ name: 'a', allowSecrets: true } as Target, { name: 'b', allowSecrets: true } as Target],
      [{ name: 'b', allowSecrets: true } as Target]
    )
    expect(secrets.withheld).toEqual([{ target: 'a', settings: ['allowSecrets'] }])
    expect(secrets.targets.map(t => t.allowSecrets)).toEqual([false, true])
  })
})
