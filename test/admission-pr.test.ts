import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { diffRepository, renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { failsOn } from '../src/policy/index.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { cleanupTempDirs, commitAll, git, makeDryWithRemote } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const CONFIG = [
  'version: 1',
  'policy:',
  '  files: [policies/*.yaml]',
  'targets:',
  '  - { name: web-prod, env: prod, source: web, path: web }',
  ''
].join('\n')

const vap = (name: string, expression: string, message: string, action: string) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: ${name} }
spec:
  matchConstraints:
    resourceRules:
      - { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"] }
  validations:
    - expression: "${expression}"
      message: "${message}"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: ${name} }
spec: { policyName: ${name}, validationActions: [${action}] }
`

const KYVERNO = `
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: { name: no-latest }
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
      message: "images must not use :latest"
`

const deployment = (replicas: number, image: string, labels = 'team: a') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { ${labels} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: ${image} }]
`

const FILES = {
  'hydrate.yaml': CONFIG,
  'policies/replicas.yaml': vap(
    'max-replicas',
    'object.spec.replicas <= 5',
    'at most 5 replicas',
    'Deny'
  ),
  'policies/labels.yaml': vap(
    'team-label',
    'has(object.metadata.labels.team)',
    'a team label is required',
    'Warn'
  ),
  'policies/kyverno.yaml': KYVERNO,
  'web/deploy.yaml': deployment(2, 'web:1.0')
}

describe('the team’s own policies on a pull request', () => {
  it('the compliant base renders clean', async () => {
    const { dry } = makeDryWithRemote({ files: FILES })
    const result = await renderRepository({
      repoRoot: dry,
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    expect(result.policy.findings.filter(f => f.rule.startsWith('policy/'))).toEqual([])
  })

  it('a change breaking each kind of policy gets one finding per broken policy, with its message and severity', async () => {
    const { dry } = makeDryWithRemote({ files: FILES })
    git(dry, 'checkout', '-q', '-b', 'change')
    fs.writeFileSync(path.join(dry, 'web/deploy.yaml'), deployment(9, 'web:latest', 'app: web'))
    commitAll(dry, 'break every policy')
    const result = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const own = result.report.findings.filter(f => f.rule.startsWith('policy/'))
    expect(own.map(f => `${f.rule} ${f.severity} ${f.resource} ${f.message}`).sort()).toEqual([
      'policy/max-replicas error Deployment web at most 5 replicas',
      'policy/no-latest error Deployment web images must not use :latest',
      'policy/team-label warning Deployment web a team label is required'
    ])
    expect(failsOn(own, 'error')).toBe(true)
  })

  it('a policy the change deletes still applies; one it adds would block once merged', async () => {
    const { dry } = makeDryWithRemote({ files: FILES })
    git(dry, 'checkout', '-q', '-b', 'change')
    fs.rmSync(path.join(dry, 'policies/replicas.yaml'))
    fs.writeFileSync(
      path.join(dry, 'policies/new.yaml'),
      vap('two-replicas', 'object.spec.replicas <= 1', 'at most 1 replica', 'Deny')
    )
    fs.writeFileSync(path.join(dry, 'web/deploy.yaml'), deployment(9, 'web:1.0'))
    commitAll(dry, 'scale up and remove the policy that says no')
    const result = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const own = result.report.findings.filter(f => f.rule.startsWith('policy/'))
    expect(own.map(f => `${f.rule} ${f.severity} ${f.message}`).sort()).toEqual([
      'policy/max-replicas error at most 5 replicas',
      'policy/two-replicas notice would block once merged (error): at most 1 replica'
    ])
    // In the comment: the enforced policy blocks, the proposed one is listed, not failing.
    const markdown = renderMarkdown(result.report)
    expect(markdown).toContain(
      '> [!CAUTION]\n> <b>Blocks this change</b> (<code>fail-on: error</code>):\n> - <b>policy/max-replicas</b> · prod / web-prod · <code>Deployment web</code>: at most 5 replicas.'
    )
    expect(markdown).toContain(
      '> - <b>policy/two-replicas</b> · prod / web-prod · <code>Deployment web</code>: would block once merged (error): at most 1 replica.'
    )
    expect(
      failsOn(
        own.filter(f => f.rule === 'policy/two-replicas'),
        'warning'
      )
    ).toBe(false)
  })

  it('an UPDATE sees the base object as oldObject; a finding the base has is pre-existing', async () => {
    const files = {
      ...FILES,
      'web/deploy.yaml': deployment(7, 'web:1.0'),
      'policies/scale.yaml': vap(
        'no-scale-down',
        'oldObject == null || object.spec.replicas >= oldObject.spec.replicas',
        'do not scale down',
        'Deny'
      )
    }
    const { dry } = makeDryWithRemote({ files })
    git(dry, 'checkout', '-q', '-b', 'change')
    fs.writeFileSync(path.join(dry, 'web/deploy.yaml'), deployment(6, 'web:1.0'))
    commitAll(dry, 'scale down')
    const result = await diffRepository({
      repoRoot: dry,
      base: 'main',
      logger: new MemoryLogger(),
      env: toolEnv()
    })
    const own = result.report.findings.filter(f => f.rule.startsWith('policy/'))
    expect(own.map(f => `${f.rule} ${f.preExisting ?? false}`).sort()).toEqual([
      'policy/max-replicas true',
      'policy/no-scale-down false'
    ])
  })
})
