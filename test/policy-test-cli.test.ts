import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { runCli } from '../src/cli/run.js'
import { captureStderr, outputSink } from './helpers/cli.js'
import { cleanupTempDirs, makeDryWithRemote } from './helpers/repo.js'

afterAll(cleanupTempDirs)

const POLICY = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: { name: no-privileged }
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }
  validations:
    - expression: "!object.spec.containers.exists(c, c.?securityContext.?privileged.orValue(false))"
      message: privileged containers are not allowed
`
const POD = (privileged: boolean) => `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: x }
spec:
  containers: [{ name: c, image: c:1, securityContext: { privileged: ${privileged} } }]
`

describe('hydrate policy test FILES…', () => {
  it('evaluates the configured policies on the given manifests; a Deny fails the run', async () => {
    const { dry } = makeDryWithRemote({
      files: {
        'hydrate.yaml':
          'version: 1\npolicy:\n  files: [policies/*.yaml]\ntargets:\n  - { name: app, env: prod, source: app }\n',
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
        'policies/p.yaml': POLICY
      }
    })
    fs.writeFileSync(path.join(dry, 'bad.yaml'), POD(true))
    fs.writeFileSync(path.join(dry, 'good.yaml'), POD(false))
    const bad = outputSink()
    expect(
      await runCli(['policy', 'test', '-C', dry, path.join(dry, 'bad.yaml')], bad.stream)
    ).toBe(1)
    expect(bad.text()).toContain('error [policy/no-privileged]')
    expect(bad.text()).toContain('Pod x/p: privileged containers are not allowed')
    const good = outputSink()
    expect(
      await runCli(
        ['policy', 'test', '-C', dry, '--format', 'json', path.join(dry, 'good.yaml')],
        good.stream
      )
    ).toBe(0)
    expect(JSON.parse(good.text())).toEqual([])
  })

  it('without files it is a usage error (exit 2)', async () => {
    let code = 0
    const stderr = await captureStderr(async () => {
      code = await runCli(['policy', 'test'], outputSink().stream)
    })
    expect(code).toBe(2)
    expect(stderr).toContain('usage: hydrate policy test')
  })
})
