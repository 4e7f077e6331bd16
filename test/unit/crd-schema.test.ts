import { describe, expect, it } from '@jest/globals'
import { checkAdmission } from '../../src/admission/check.js'
import { checkPullRequestPolicies } from '../../src/admission/pullRequest.js'
import { applyDefaults } from '../../src/admission/crdSchema.js'
import { readObjects } from '../../src/admission/load.js'
import { parseManifests } from '../../src/manifests/parse.js'

// An excerpt of Gateway API v1's GatewayClass and Gateway CRDs (gateway.networking.k8s.io),
// with their own x-kubernetes-validations rules, messages and patterns.
const CRDS = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gatewayclasses.gateway.networking.k8s.io }
spec:
  group: gateway.networking.k8s.io
  names: { kind: GatewayClass, plural: gatewayclasses }
  scope: Cluster
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [controllerName]
              properties:
                controllerName:
                  type: string
                  maxLength: 253
                  minLength: 1
                  pattern: ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$
                  x-kubernetes-validations:
                    - message: Value is immutable
                      rule: self == oldSelf
                description: { type: string, maxLength: 64 }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gateways.gateway.networking.k8s.io }
spec:
  group: gateway.networking.k8s.io
  names: { kind: Gateway, plural: gateways }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [gatewayClassName, listeners]
              properties:
                gatewayClassName: { type: string, minLength: 1, maxLength: 253 }
                listeners:
                  type: array
                  minItems: 1
                  maxItems: 64
                  items:
                    type: object
                    required: [name, port, protocol]
                    properties:
                      name: { type: string, minLength: 1, maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" }
                      hostname: { type: string, pattern: "^(\\\\*\\\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" }
                      port: { type: integer, format: int32, minimum: 1, maximum: 65535 }
                      protocol: { type: string, minLength: 1, maxLength: 255 }
                      tls:
                        type: object
                        properties:
                          mode: { type: string, default: Terminate, enum: [Terminate, Passthrough] }
                  x-kubernetes-validations:
                    - message: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']
                      rule: "self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true)"
                    - message: Listener name must be unique within the Gateway
                      rule: self.all(l1, self.exists_one(l2, l1.name == l2.name))
                    - message: tls mode must be set for protocol HTTPS
                      rule: "self.all(l, l.protocol == 'HTTPS' ? has(l.tls) && has(l.tls.mode) : true)"
`

const gateway = (listeners: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: web }
spec:
  gatewayClassName: eg
  listeners: ${listeners}
`
const CLASS = (controller: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: eg }
spec: { controllerName: ${controller} }
`

const check = (output: string) =>
  checkAdmission(
    [{ env: 'prod', targets: [{ name: 'gw', resources: parseManifests(output, 'gw').resources }] }],
    readObjects('crds.yaml', CRDS),
    { fromOutput: true }
  ).map(f => `${f.rule} ${f.field ?? ''} ${f.message}`)

describe('custom resources against their CRDs', () => {
  it('a good Gateway is clean (tls.mode defaulted before the rules run)', () => {
    expect(
      check(
        gateway(
          '[{ name: http, port: 80, protocol: HTTP }, { name: https, port: 443, protocol: HTTPS, hostname: "*.example.com", tls: {} }]'
        )
      )
    ).toEqual([])
  })

  it('schema errors: type, bounds, pattern, required, unknown field', () => {
    expect(
      check(
        gateway(
          '[{ name: Bad_Name, port: 70000, protocol: HTTP, colour: blue }, { port: "80", protocol: HTTP }]'
        )
      )
    ).toEqual([
      'schema spec.listeners[0].name gateway.networking.k8s.io/v1 Gateway: spec.listeners[0].name: Invalid value: "Bad_Name": should match \'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$\'',
      'schema spec.listeners[0].port gateway.networking.k8s.io/v1 Gateway: spec.listeners[0].port: Invalid value: 70000: should be less than or equal to 65535',
      'schema spec.listeners[0].colour gateway.networking.k8s.io/v1 Gateway: spec.listeners[0].colour: unknown field',
      'schema spec.listeners[1].name gateway.networking.k8s.io/v1 Gateway: spec.listeners[1].name: Required value',
      'schema spec.listeners[1].port gateway.networking.k8s.io/v1 Gateway: spec.listeners[1].port: Invalid value: "string": spec.listeners[1].port must be of type integer'
    ])
  })

  it('x-kubernetes-validations rules, with their messages', () => {
    expect(
      check(
        gateway(
          '[{ name: a, port: 80, protocol: HTTP, tls: {} }, { name: a, port: 81, protocol: TCP }]'
        )
      )
    ).toEqual([
      "schema spec.listeners gateway.networking.k8s.io/v1 Gateway: spec.listeners: Invalid value: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
      'schema spec.listeners gateway.networking.k8s.io/v1 Gateway: spec.listeners: Invalid value: Listener name must be unique within the Gateway'
    ])
  })

  it('a transition rule (oldSelf) runs on an UPDATE only', () => {
    const env = (output: string) => [
      { env: 'prod', targets: [{ name: 'gw', resources: parseManifests(output, 'gw').resources }] }
    ]
    const files = readObjects('crds.yaml', CRDS)
    const changed = checkPullRequestPolicies(
      { environments: env(CLASS('example.com/new')), files },
      { environments: env(CLASS('example.com/old')), files },
      true
    )
    expect(changed.head.map(f => f.message)).toEqual([
      'gateway.networking.k8s.io/v1 GatewayClass: spec.controllerName: Invalid value: Value is immutable'
    ])
    expect(check(CLASS('example.com/new'))).toEqual([])
  })

  it('a version the CRD does not serve is an error; a kind without a CRD is not validated here', () => {
    expect(check(gateway('[]').replace('/v1', '/v1beta1'))).toEqual([
      'schema apiVersion gateway.networking.k8s.io/v1beta1 Gateway: apiVersion: version v1beta1 is not served by CustomResourceDefinition gateways.gateway.networking.k8s.io'
    ])
    expect(check(gateway('[]').replace('kind: Gateway', 'kind: HTTPRoute'))).toEqual([])
  })
})

describe('a CRD schema from a pull request', () => {
  it('defaults a `__proto__` property as data, never into the object’s prototype', () => {
    // JSON.parse keeps `__proto__` as a key, as a YAML or JSON reader of a CRD does.
    const schema = JSON.parse(
      '{"type":"object","properties":{' +
        '"__proto__":{"type":"object","properties":{"injected":{"type":"string","default":"x"}}},' +
        '"spec":{"type":"object","properties":{"mode":{"type":"string","default":"on"}}}}}'
    ) as Parameters<typeof applyDefaults>[1]
    const defaulted = applyDefaults({ spec: {} }, schema) as Record<string, unknown>
    expect(Object.getPrototypeOf(defaulted)).toBe(Object.prototype)
    expect((defaulted as { injected?: unknown }).injected).toBeUndefined()
    expect(Object.keys(defaulted).sort()).toEqual(['spec'])
    expect(defaulted.spec).toEqual({ mode: 'on' })
  })
})
