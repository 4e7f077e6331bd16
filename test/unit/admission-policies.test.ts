import { describe, expect, it } from '@jest/globals'
import { checkAdmission } from '../../src/admission/check.js'
import { readObjects } from '../../src/admission/load.js'
import { parseManifests } from '../../src/manifests/parse.js'
import { ConfigError } from '../../src/errors.js'

// The ValidatingAdmissionPolicy examples of kubernetes.io ("Validating Admission Policy").
const POLICIES = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: replicalimit-policy.example.com }
spec:
  failurePolicy: Fail
  paramKind: { apiVersion: rules.example.com/v1, kind: ReplicaLimit }
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["deployments"]
  validations:
    - expression: "object.spec.replicas <= params.maxReplicas"
      messageExpression: "'object.spec.replicas must be no greater than ' + string(params.maxReplicas)"
      reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: replicalimit-binding-test.example.com }
spec:
  policyName: replicalimit-policy.example.com
  validationActions: [Deny]
  paramRef: { name: replica-limit-test.example.com, namespace: default, parameterNotFoundAction: Deny }
  matchResources:
    namespaceSelector:
      matchLabels: { environment: test }
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: { name: replica-limit-test.example.com, namespace: default }
maxReplicas: 3
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: required-labels }
spec:
  matchConstraints:
    resourceRules:
      - { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"] }
  validations:
    - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
      message: "every Deployment needs a team label"
      fieldPath: ".metadata.labels"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: required-labels }
spec: { policyName: required-labels, validationActions: [Warn] }
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: deny-privileged }
spec:
  matchConstraints:
    resourceRules:
      - { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"] }
  variables:
    - name: containers
      expression: "object.spec.template.spec.containers"
  validations:
    - expression: "!variables.containers.exists(c, c.?securityContext.?privileged.orValue(false))"
      message: "privileged containers are not allowed"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: deny-privileged }
spec: { policyName: deny-privileged, validationActions: [Audit] }
`

const KYVERNO = (version: string) => `
apiVersion: policies.kyverno.io/${version}
kind: ValidatingPolicy
metadata: { name: require-limits }
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }
  validations:
    - expression: "object.spec.containers.all(c, has(c.resources) && has(c.resources.limits) && has(c.resources.limits.memory))"
      message: "memory limits are required"
`

const deployment = (name: string, namespace: string, replicas: number, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
${extra}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          securityContext: { privileged: true }
`

const NAMESPACE = `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { environment: test } }
`

function check(output: string, policyText = POLICIES) {
  const resources = parseManifests(output, 'web').resources
  return checkAdmission(
    [{ env: 'test', targets: [{ name: 'web', resources }] }],
    readObjects('policies.yaml', policyText),
    { fromOutput: true }
  )
}

describe('ValidatingAdmissionPolicy as the API server evaluates it', () => {
  it('the replica limit with a params object denies, required labels warns, deny-privileged audits', () => {
    const findings = check([NAMESPACE, deployment('web', 'default', 5)].join('---\n'))
    expect(findings).toEqual([
      {
        target: 'web',
        resource: 'Deployment default/web',
        rule: 'policy/replicalimit-policy.example.com',
        severity: 'error',
        message: 'object.spec.replicas must be no greater than 3'
      },
      {
        target: 'web',
        resource: 'Deployment default/web',
        rule: 'policy/required-labels',
        severity: 'warning',
        message: 'every Deployment needs a team label',
        field: 'metadata.labels'
      },
      {
        target: 'web',
        resource: 'Deployment default/web',
        rule: 'policy/deny-privileged',
        severity: 'notice',
        message: 'privileged containers are not allowed'
      }
    ])
  })

  it('a compliant object is clean; a namespace the selector does not pick is not checked', () => {
    const compliant = deployment('web', 'default', 2, '  labels: { team: a }').replace(
      'privileged: true',
      'privileged: false'
    )
    expect(check([NAMESPACE, compliant].join('---\n'))).toEqual([])
    const prod = NAMESPACE.replace('environment: test', 'environment: prod')
    expect(
      check([prod, deployment('web', 'default', 5, '  labels: { team: a }')].join('---\n')).map(
        f => f.rule
      )
    ).toEqual(['policy/deny-privileged'])
  })

  it('says when a namespace selector needs labels the environment does not have', () => {
    const findings = check(deployment('web', 'default', 5, '  labels: { team: a }'))
    expect(findings).toContainEqual(
      expect.objectContaining({
        rule: 'policy/replicalimit-policy.example.com',
        severity: 'notice',
        message: expect.stringMatching(
          /namespace default, which is not in environment test's output/
        )
      })
    )
  })

  it('a missing params object follows parameterNotFoundAction', () => {
    const policies = POLICIES.replace(
      'replica-limit-test.example.com, namespace: default, parameterNotFoundAction',
      'gone, namespace: default, parameterNotFoundAction'
    )
    expect(
      check(
        [NAMESPACE, deployment('web', 'default', 1, '  labels: { team: a }')].join('---\n'),
        policies
      )[0]
    ).toMatchObject({ severity: 'error', message: expect.stringMatching(/no params found/) })
  })

  it('policies in the environment output apply too', () => {
    const output = [
      NAMESPACE,
      deployment('web', 'default', 5, '  labels: { team: a }'),
      ...POLICIES.split(/^---$/m)
    ].join('\n---\n')
    expect(check(output, '').map(f => f.rule)).toEqual([
      'policy/replicalimit-policy.example.com',
      'policy/deny-privileged'
    ])
  })

  it('a syntax error in an expression names its file, line and column', () => {
    const broken = POLICIES.replace(
      '"object.spec.replicas <= params.maxReplicas"',
      '"object.spec.replicas <= "'
    )
    expect(() => check([NAMESPACE, deployment('web', 'default', 5)].join('---\n'), broken)).toThrow(
      ConfigError
    )
    expect(() => check([NAMESPACE, deployment('web', 'default', 5)].join('---\n'), broken)).toThrow(
      /^policies\.yaml:15:41: replicalimit-policy\.example\.com spec\.validations\.0\.expression does not compile/
    )
  })
})

describe('a hostile policy', () => {
  const hostile = (failurePolicy: string) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: forever }
spec:
  failurePolicy: ${failurePolicy}
  matchConstraints:
    resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"] }]
  variables:
    - { name: n, expression: "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39]" }
  validations:
    - expression: "variables.n.all(a, variables.n.all(b, variables.n.all(c, variables.n.all(d, variables.n.all(e, true)))))"
      message: never says
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: forever }
spec: { policyName: forever, validationActions: [Deny] }
`
  it('is stopped by the cost budget: an error under failurePolicy Fail, nothing under Ignore', () => {
    const output = [NAMESPACE, deployment('web', 'default', 1)].join('---\n')
    expect(check(output, hostile('Fail'))).toEqual([
      expect.objectContaining({
        rule: 'policy/forever',
        severity: 'error',
        message: expect.stringMatching(
          /resulted in error: the expression exceeded its cost budget \(1000000\) and was stopped/
        )
      })
    ])
    expect(check(output, hostile('Ignore'))).toEqual([])
  })
})

describe('Kyverno ValidatingPolicy', () => {
  for (const version of ['v1alpha1', 'v1beta1', 'v1'])
    it(`${version}: a Pod policy applies to a Deployment's pod template (autogen)`, () => {
      const findings = check(
        [NAMESPACE, deployment('web', 'default', 1, '  labels: { team: a }')].join('---\n'),
        KYVERNO(version)
      )
      expect(findings).toEqual([
        {
          target: 'web',
          resource: 'Deployment default/web',
          rule: 'policy/require-limits',
          severity: 'error',
          message: 'memory limits are required',
          field: 'spec.template'
        }
      ])
    })
})
