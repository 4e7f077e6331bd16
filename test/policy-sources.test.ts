import { afterAll, describe, expect, it } from '@jest/globals'
import { checkAdmission } from '../src/admission/check.js'
import { loadPolicyFiles } from '../src/admission/load.js'
import { loadConfig } from '../src/engine/loadConfig.js'
import { ConfigError } from '../src/errors.js'
import { parseManifests } from '../src/manifests/parse.js'
import { configErrorOf } from './helpers/engine.js'
import { cleanupTempDirs, makeRepo } from './helpers/repo.js'

afterAll(cleanupTempDirs)

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n'
const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: no-configmaps }
spec:
  matchConstraints:
    resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }]
  validations: [{ expression: "false", message: no ConfigMaps here }]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: no-configmaps }
spec: { policyName: no-configmaps, validationActions: [Deny] }
`
const config = (policy: string) =>
  `version: 1\npolicy:\n${policy}\ntargets:\n  - { name: app, env: prod, source: app }\n`

describe('policy.files and policy.fromOutput in hydrate.yaml', () => {
  it('are read and validated with file:line:col', () => {
    const repo = makeRepo({
      files: {
        'hydrate.yaml': config('  files: [policies/*.yaml]\n  fromOutput: false'),
        'app/cm.yaml': CM,
        'policies/p.yaml': POLICY
      }
    })
    const loaded = loadConfig(repo)
    expect(loaded.policy).toMatchObject({ files: ['policies/*.yaml'], fromOutput: false })
    expect(loadPolicyFiles(repo, loaded.policy.files!).map(o => o.object.kind)).toEqual([
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding'
    ])
    const bad = makeRepo({
      files: { 'hydrate.yaml': config('  files: policies'), 'app/cm.yaml': CM }
    })
    expect(configErrorOf(bad).message).toMatch(/^hydrate\.yaml:3:10: policy\.files must be a list/)
    const typo = makeRepo({
      files: { 'hydrate.yaml': config('  fromOutput: maybe'), 'app/cm.yaml': CM }
    })
    expect(configErrorOf(typo).message).toMatch(/^hydrate\.yaml:3:15: policy\.fromOutput/)
  })

  it('a glob that names no YAML file is an error, not silently no policies', () => {
    const repo = makeRepo({
      files: { 'hydrate.yaml': config('  files: [polices/*.yaml]'), 'app/cm.yaml': CM }
    })
    expect(() => loadPolicyFiles(repo, ['polices/*.yaml'])).toThrow(ConfigError)
    expect(() => loadPolicyFiles(repo, ['polices/*.yaml'])).toThrow(
      /policy\.files: polices\/\*\.yaml matches no YAML file/
    )
  })

  it('fromOutput: false leaves the policies in the output out', () => {
    const resources = parseManifests(`${CM}---\n${POLICY}`, 'app').resources
    const environments = [{ env: 'prod', targets: [{ name: 'app', resources }] }]
    expect(checkAdmission(environments, [], { fromOutput: true }).map(f => f.message)).toEqual([
      'no ConfigMaps here'
    ])
    expect(checkAdmission(environments, [], { fromOutput: false })).toEqual([])
  })
})
