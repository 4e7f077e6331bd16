import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF } from '../../src/config/types.js'
import { diffResources } from '../../src/diff/resources.js'
import type { DiffReport, ResourceChange, TargetDiff } from '../../src/diff/types.js'
import { parseManifests } from '../../src/manifests/parse.js'
import type { Finding } from '../../src/policy/types.js'
import { renderMarkdown } from '../../src/report/markdown.js'

const ENVS = ['dev', 'staging', 'prod']

/** A base edit as each overlay renders it: its own namespace and an `-env` name suffix. */
const role = (env: string, verbs: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader-${env}\n  namespace: shop-${env}\nrules:\n  - apiGroups: ['']\n    resources: [pods]\n    verbs: [${verbs}]\n`
const service = (env: string, port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop-${env}\nspec:\n  selector: {app: web}\n  ports: [{port: ${port}}]\n`

function changes(env: string): ResourceChange[] {
  const parse = (text: string) => parseManifests(text, 't').resources
  return diffResources(
    parse(`${role(env, 'get')}---\n${service(env, 80)}`),
    parse(`${role(env, 'get, list, watch')}---\n${service(env, 8080)}`),
    DEFAULT_DIFF
  ).resources
}

function target(env: string): TargetDiff {
  const resources = changes(env)
  return {
    name: `web-${env}`,
    env,
    branch: `env/${env}`,
    path: 'web',
    status: 'changed',
    counts: { added: 0, modified: resources.length, removed: 0, renamed: 0 },
    resources
  }
}

const finding = (env: string, rule: string, resource: string): Finding => ({
  target: `web-${env}`,
  resource: resource.replace('NS', `shop-${env}`).replace('ENV', env),
  rule,
  severity: 'error',
  message: `${rule} on ${resource.replace('NS', `shop-${env}`).replace('ENV', env)}`,
  fix: 'narrow it'
})

function report(findings: Finding[] = []): DiffReport {
  return {
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    targets: ENVS.map(target),
    findings
  }
}

describe('a base edit across environments with per-overlay namespaces', () => {
  it('shows each resource diff once, naming every environment it applies to', () => {
    const text = renderMarkdown(report())
    // Two resources, one diff each, not six.
    expect(text.split('```diff').length - 1).toBe(2)
    expect(text.match(/#### Role shop-dev\/reader-dev · modified/g)).toHaveLength(1)
    expect(text).toContain(
      '_The same change in <b>staging / web-staging</b>, <b>prod / web-prod</b>._'
    )
    expect(text).not.toContain('#### Role shop-prod/reader-prod')
    expect(text).toContain(
      'The same change as in <b>dev / web-dev</b>, shown there: Role shop-prod/reader-prod, Service shop-prod/web'
    )
  })

  it('still shows a diff that differs beyond namespace and name', () => {
    const r = report()
    const prod = r.targets[2] as TargetDiff
    prod.resources = diffResources(
      parseManifests(role('prod', 'get'), 't').resources,
      parseManifests(role('prod', 'get, delete'), 't').resources,
      DEFAULT_DIFF
    ).resources
    const text = renderMarkdown(r)
    expect(text).toContain('#### Role shop-prod/reader-prod · modified')
    expect(text).toContain('_The same change in <b>staging / web-staging</b>._')
  })

  it('groups findings by rule and resource, and the headline counts what the alerts show', () => {
    const findings = ENVS.flatMap(env => [
      finding(env, 'rbac-widened', 'Role NS/reader-ENV'),
      finding(env, 'port-change', 'Service NS/web')
    ])
    const text = renderMarkdown(report(findings))
    expect(text.split('\n')[0]).toBe(
      '### ❌ 2 blocking findings in 3 environments · 3 targets change in dev, staging, prod'
    )
    const bullets = text.split('\n').filter(line => line.startsWith('> - '))
    expect(bullets).toEqual([
      '> - <b>rbac-widened</b> · dev / web-dev, staging / web-staging, prod / web-prod · <code>Role reader</code>: rbac-widened on Role shop-dev/reader-dev. <b>Fix:</b> narrow it.',
      '> - <b>port-change</b> · dev / web-dev, staging / web-staging, prod / web-prod · <code>Service web</code>: port-change on Service shop-dev/web. <b>Fix:</b> narrow it.'
    ])
  })
})
