import { describe, expect, it } from '@jest/globals'
import { clusterOf } from '../../src/flux/kustomization.js'
import {
  substituteOutput,
  substituteVariables,
  SubstitutionError
} from '../../src/flux/substitute.js'

const vars = new Map([
  ['SET', 'value'],
  ['EMPTY', '']
])

describe("Flux's post-build substitution", () => {
  it.each([
    ['${SET}', 'value'],
    ['a-${SET}-b', 'a-value-b'],
    ['${UNSET}', ''],
    ['${UNSET:=fallback}', 'fallback'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:=fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY=fallback}', ''],
    ['${EMPTY-fallback}', ''],
    ['${UNSET=fallback}', 'fallback'],
    ['${SET:=fallback}', 'value'],
    ['${UNSET:=${SET}-x}', 'value-x'],
    ['${UNSET:=a:b c}', 'a:b c'],
    ['$${SET}', '${SET}'],
    ['$SET and $', '$SET and $'],
    ['cost: 5$', 'cost: 5$']
  ])('%s → %s', (input, expected) => {
    expect(substituteVariables(input, vars)).toBe(expected)
  })

  it('refuses what it does not know, as a typed error', () => {
    expect(() => substituteVariables('${SET^^}', vars)).toThrow(SubstitutionError)
    expect(() => substituteVariables('${SET', vars)).toThrow(/unclosed/)
  })

  it('leaves objects that opt out, and everything when there are no variables', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: a, labels: {kustomize.toolkit.fluxcd.io/substitute: disabled}}',
      'data: {x: "${SET}"}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: b}',
      'data: {x: "${SET}", y: "$${SET}"}',
      ''
    ].join('\n')
    const out = substituteOutput(text, vars)
    expect(out).toContain('data: {x: "${SET}"}')
    expect(out).toContain('data: {x: "value", y: "${SET}"}')
    expect(substituteOutput(text, new Map())).toBe(text)
  })

  it('takes the environment from clusters/<env>/ at any depth', () => {
    expect(clusterOf('clusters/prod/apps.yaml')).toBe('prod')
    expect(clusterOf('fleet/clusters/dev/flux-system/gotk-sync.yaml')).toBe('dev')
    expect(clusterOf('clusters/apps.yaml')).toBeUndefined()
    expect(clusterOf('apps/prod/app.yaml')).toBeUndefined()
  })

  it('refuses defaults nested without end as a substitution error, not a stack overflow', () => {
    const nested = (levels: number) => '${A:='.repeat(levels) + 'x' + '}'.repeat(levels)
    expect(substituteVariables(nested(32), new Map())).toBe('x')
    expect(() => substituteVariables(nested(33), new Map())).toThrow(SubstitutionError)
    expect(() => substituteVariables(nested(20_000), new Map())).toThrow(
      /defaults nested deeper than 32 levels/
    )
  })
})
