import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DIFF } from '../../src/config/types.js'
import { diffResources } from '../../src/diff/resources.js'
import type { DiffReport, ResourceChange, TargetDiff } from '../../src/diff/types.js'
import { parseManifests } from '../../src/manifests/parse.js'
import type { Finding } from '../../src/policy/types.js'
import { reportLinks } from '../../src/action/diffMode.js'
import { COMMENT_LIMIT, renderMarkdown, renderMarkdownWithin } from '../../src/report/markdown.js'

/** Real resource diffs from parsed manifests, so hunk labels are what the engine makes. */
function modified(before: string, after: string): ResourceChange[] {
  const parse = (text: string) => parseManifests(text, 't').resources
  return diffResources(parse(before), parse(after), DEFAULT_DIFF).resources
}

const deployment = (image: string, labels = 'app: web', replicas = 2) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  labels: {${labels}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n          ports: [{containerPort: 80}]\n`
const service = (labels: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  labels: {${labels}}\nspec:\n  ports: [{port: 80}]\n`

function target(
  name: string,
  env: string,
  resources: ResourceChange[],
  extra: Partial<TargetDiff> = {}
): TargetDiff {
  const counts = { added: 0, modified: 0, removed: 0, renamed: 0 }
  for (const r of resources) counts[r.change]++
  return {
    name,
    env,
    branch: `env/${env}`,
    path: 'web',
    status: 'changed',
    counts,
    resources,
    ...extra
  }
}

const quiet = (name: string, env: string): TargetDiff =>
  target(name, env, [], { status: 'unchanged' })

function report(targets: TargetDiff[], findings: Finding[] = []): DiffReport {
  return { base: 'a'.repeat(40), head: 'b'.repeat(40), targets, findings }
}

const secretFinding = (target: string): Finding => ({
  target,
  resource: 'Secret shop/db',
  rule: 'plaintext-secret',
  severity: 'error',
  message: 'Secret would be committed to Git in plaintext (stringData.password)',
  field: 'stringData.password'
})

describe('the headline states risk first', () => {
  const changes = () =>
    modified(deployment('ghcr.io/example/web:2.1.0'), deployment('ghcr.io/example/web:2.2.0'))

  it('puts a blocking finding before the count of changes, and the finding in a CAUTION alert', () => {
    const text = renderMarkdown(
      report(
        [
          target('web-prod', 'prod', changes()),
          target('api-prod', 'prod', [], { status: 'added' }),
          ...Array.from({ length: 8 }, (_, i) => quiet(`q${i}`, 'dev'))
        ],
        [secretFinding('api-prod')]
      )
    )
    expect(text.split('\n')[0]).toBe('### ❌ 1 blocking finding · 2 of 10 targets change in prod')
    expect(text).toContain(
      [
        '> [!CAUTION]',
        '> <b>Blocks this change</b> (<code>fail-on: error</code>):',
        '> - <b>plaintext-secret</b> · prod / api-prod · <code>Secret shop/db</code> <code>stringData.password</code>: Secret would be committed to Git in plaintext (stringData.password).'
      ].join('\n')
    )
    expect(text).toContain('🆕 api-prod new: no resources · ❌ 1 finding')
  })

  it('says when all is well, and which environments change', () => {
    const text = renderMarkdown(
      report(['dev', 'staging', 'prod'].map(env => target(`web-${env}`, env, changes())))
    )
    expect(text.split('\n')[0]).toBe('### ✅ 3 targets change in dev, staging, prod · no findings')
    expect(text).not.toContain('[!CAUTION]')
    expect(text).not.toContain('[!WARNING]')
  })

  it('moves findings that do not block under fail-on into a WARNING alert', () => {
    const findings = [secretFinding('web-prod')]
    const strict = renderMarkdown(report([target('web-prod', 'prod', changes())], findings))
    const lax = renderMarkdown(report([target('web-prod', 'prod', changes())], findings), {
      failOn: 'never'
    })
    expect(strict).toContain('> [!CAUTION]')
    expect(lax).not.toContain('> [!CAUTION]')
    expect(lax).toContain('> [!WARNING]\n> <b>Does not block</b> (<code>fail-on: never</code>):')
    expect(lax.split('\n')[0]).toBe(
      '### ⚠️ 1 target changes in prod · 1 finding that does not block'
    )
    // The resource's heading carries the rule, as blocking or not.
    expect(strict).toContain('#### Deployment shop/web · modified\n')
  })

  it('names a finding once for every target a base edit gives it to, with its fix', () => {
    const finding = (t: string): Finding => ({
      target: t,
      resource: `StatefulSet ${t}/db`,
      rule: 'storage-resize',
      severity: 'error',
      message: 'storage changes',
      field: 'spec.volumeClaimTemplates[data]',
      fix: 'resize the PVCs'
    })
    const text = renderMarkdown(
      report(
        [target('db-dev', 'dev', changes()), target('db-prod', 'prod', changes())],
        [finding('db-dev'), finding('db-prod')]
      )
    )
    expect(text.split('\n')[0]).toBe(
      '### ❌ 1 blocking finding in 2 environments · 2 targets change in dev, prod'
    )
    expect(text).toContain(
      '> - <b>storage-resize</b> · dev / db-dev, prod / db-prod · <code>StatefulSet db</code> <code>spec.volumeClaimTemplates&#91;data&#93;</code>: storage changes. <b>Fix:</b> resize the PVCs.'
    )
  })

  it('opens a failing target by default', () => {
    const text = renderMarkdown(
      report([target('web', 'dev', [], { status: 'error', error: 'head: kustomize failed' })])
    )
    expect(text.split('\n')[0]).toBe('### ❌ 1 target failed to render')
    expect(text).toContain('<details open><summary>❌ render error: <b>dev / web</b></summary>')
  })
})

describe('what changes', () => {
  it('names image changes per workload with their environments, and a move to a digest', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`
    const image = (env: string, before: string, after: string) =>
      target(`web-${env}`, env, [], {
        highlights: [
          {
            type: 'image',
            resource: `Deployment ${env}/webapp`,
            container: 'webapp',
            before,
            after
          }
        ]
      })
    const text = renderMarkdown(
      report([
        image('dev', 'ghcr.io/example/webapp:2.7.1', `ghcr.io/example/webapp@${digest}`),
        image('staging', 'ghcr.io/example/webapp:2.7.1', 'ghcr.io/example/webapp:2.8.0'),
        image('prod', 'ghcr.io/example/webapp:2.7.1', 'ghcr.io/example/webapp:2.8.0'),
        target('api-prod', 'prod', [], {
          highlights: [
            { type: 'replicas', resource: 'Deployment prod/api', before: 2, after: 4 },
            {
              type: 'resources',
              resource: 'Deployment prod/api',
              container: 'sidecar',
              field: 'limits.memory',
              before: '256Mi',
              after: null
            }
          ]
        })
      ])
    )
    expect(text).toContain(
      [
        '<b>What changes</b>',
        '',
        '- <b>Deployment webapp</b>: <code>ghcr.io/example/webapp</code> 2.7.1 → sha256:0123456789ab (now pinned by digest) in dev',
        '- <b>Deployment webapp</b>: <code>ghcr.io/example/webapp</code> 2.7.1 → 2.8.0 in staging, prod',
        '- <b>Deployment api</b>: replicas 2 → 4 in prod',
        '- <b>Deployment api</b> (sidecar): memory limit 256Mi → unset in prod'
      ].join('\n')
    )
  })

  it('names kinds added and removed, new environments and removed targets', () => {
    const cm = (change: 'added' | 'removed'): ResourceChange => ({
      group: '',
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'flags',
      change,
      diff: ''
    })
    const text = renderMarkdown(
      report([
        target('web-dev', 'dev', [cm('added')]),
        target('web-prod', 'prod', [cm('added')]),
        target('web-qa', 'qa', [], { status: 'added', branch: 'env/qa' }),
        target('old-prod', 'prod', [cm('removed')], { status: 'removed' })
      ])
    )
    expect(text).toContain('- Added ConfigMap flags in dev, prod\n')
    expect(text).toContain('- 🆕 New environment <b>qa</b> on <code>env/qa</code>: web-qa\n')
    expect(text).toContain('- 🗑️ Target <b>old-prod</b> removed from prod (its path is pruned)\n')
  })
})

describe('the layout: by environment, less chrome', () => {
  const changes = modified(
    [deployment('web:1', 'app: web, version: "1"'), service('version: "1"')].join('---\n'),
    [deployment('web:2', 'app: web, version: "2"'), service('version: "2"')].join('---\n')
  )

  it('groups targets by environment in first-seen order, or in promotion order', () => {
    const targets = [
      target('web-prod', 'prod', changes),
      target('web-dev', 'dev', changes),
      quiet('api-dev', 'dev'),
      quiet('api-prod', 'prod'),
      quiet('db-prod', 'prod')
    ]
    const text = renderMarkdown(report(targets))
    expect(text).toContain(
      [
        '| Environment | Targets that change |',
        '| --- | --- |',
        '| <b>prod</b> | 🟡 web-prod 2 modified (1 only in labels) |',
        '| <b>dev</b> | 🟡 web-dev 2 modified (1 only in labels) |',
        '',
        'Unchanged: 3 targets (prod 2 · dev 1)'
      ].join('\n')
    )
    const promoted = renderMarkdown(report(targets), { environmentOrder: ['dev', 'prod'] })
    expect(promoted).toContain(
      '| <b>dev</b> | 🟡 web-dev 2 modified (1 only in labels) |\n| <b>prod</b>'
    )
    expect(promoted).toContain('Unchanged: 3 targets (dev 1 · prod 2)')
    expect(promoted.indexOf('<b>dev / web-dev</b>')).toBeLessThan(
      promoted.indexOf('<b>prod / web-prod</b>')
    )
  })

  it('links a target to its branch path when the repository is known', () => {
    const text = renderMarkdown(report([target('web-prod', 'prod', changes)]), {
      links: {
        repositoryUrl: 'https://github.com/acme/dry',
        branchesUrl: 'https://github.com/acme/deploy',
        runUrl: 'https://github.com/acme/dry/actions/runs/7'
      }
    })
    expect(text).toContain(
      '🟡 <a href="https://github.com/acme/deploy/tree/env/prod/web">web-prod</a> 2 modified'
    )
    expect(text).toContain(
      `<sub>Base <a href="https://github.com/acme/dry/commit/${'a'.repeat(40)}"><code>aaaaaaa</code></a> → head <a href="https://github.com/acme/dry/commit/${'b'.repeat(40)}"><code>bbbbbbb</code></a> · <a href="https://github.com/acme/dry/actions/runs/7">workflow run</a> · hydrate-action</sub>`
    )
  })

  it('shows a workload first, hunks by YAML path without file lines, and folds label-only resources', () => {
    const text = renderMarkdown(report([target('web-prod', 'prod', [...changes].reverse())]))
    const details = text.slice(text.indexOf('<details>'))
    expect(details).toContain(
      [
        '#### Deployment shop/web · modified',
        '',
        '```diff',
        '@@ metadata.labels @@',
        '   namespace: shop',
        '   labels:',
        '     app: web',
        '-    version: "1"',
        '+    version: "2"',
        ' spec:',
        '   replicas: 2',
        '   selector:',
        '@@ spec.template.spec.containers[web] @@',
        '     spec:',
        '       containers:',
        '         - name: web',
        '-          image: web:1',
        '+          image: web:2'
      ].join('\n')
    )
    expect(details).not.toMatch(/^(---|\+\+\+) /m)
    expect(details).not.toMatch(/@@ -\d/)
    expect(details).toContain('Labels only (1): Service shop/web\n')
    expect(details).not.toContain('#### Service')
  })
})

describe('degrading the biggest first', () => {
  it('summarizes a huge ConfigMap by its keys and keeps a small risky diff whole', () => {
    const keys = (n: number, value: string) =>
      Array.from({ length: n }, (_, i) => `  key-${i}: "${value}-${i}"`).join('\n')
    const table = (n: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big-table, namespace: shop}\ndata:\n  keep: "1"\n${keys(n, 'row')}\n`
    const big = modified(table(0), table(4000))
    const risky = modified(deployment('web:1'), deployment('web:2'))
    const findings: Finding[] = [
      {
        target: 'web-prod',
        resource: 'Deployment shop/web',
        rule: 'mutable-image-tag',
        severity: 'warning',
        message: 'image web:2 is not pinned'
      }
    ]
    const full = report([target('web-prod', 'prod', [...big, ...risky])], findings)
    expect(renderMarkdown(full).length).toBeGreaterThan(COMMENT_LIMIT)
    const { text, level } = renderMarkdownWithin(full, COMMENT_LIMIT)
    expect(level).toBe('summarized')
    expect(text).toContain(
      '#### ConfigMap shop/big-table · modified\n\n_+4,000 keys: too large to show here._'
    )
    expect(text).toContain('#### Deployment shop/web · modified · ⚠️ mutable-image-tag\n\n```diff')
    expect(text).toContain('+          image: web:2')
  })
})

describe('the job summary adds to the comment', () => {
  it('has every finding in a table and every diff in full, without the alerts', () => {
    const changes = modified(deployment('web:1'), deployment('web:2'))
    const r = report(
      [target('web-dev', 'dev', changes), target('web-prod', 'prod', changes)],
      [secretFinding('web-prod'), { ...secretFinding('web-dev'), preExisting: true }]
    )
    const summary = renderMarkdownWithin(r, 1024 * 1024, { purpose: 'summary' }).text
    expect(summary).not.toContain('[!CAUTION]')
    expect(summary).not.toContain('What changes')
    expect(summary).toContain('#### 2 findings')
    expect(summary).toContain('The pull request comment has the overview')
    // Four columns, Fix always filled: the rule's own fix, else how to settle it.
    const rows = summary.split('\n').filter(line => /^\| (❌|pre-existing)/.test(line))
    expect(rows).toEqual([
      '| ❌ blocks | <b>plaintext-secret</b>: Secret would be committed to Git in plaintext (stringData.password) | prod / web-prod<br><code>Secret shop/db</code><br><code>stringData.password</code> | change the head so that plaintext-secret passes, or set policy.rules.plaintext-secret (error, warning or off) if it is expected here |',
      '| pre-existing | <b>plaintext-secret</b>: Secret would be committed to Git in plaintext (stringData.password) | dev / web-dev<br><code>Secret shop/db</code><br><code>stringData.password</code> | change the head so that plaintext-secret passes, or set policy.rules.plaintext-secret (error, warning or off) if it is expected here |'
    ])
    expect(summary).toContain('| | Finding | Where | Fix |')
    // Each target's diff in full: no "the same diff as".
    expect(summary.split('```diff')).toHaveLength(3)
    expect(summary).not.toContain('The same change as')
  })

  it('stands alone when the comment could not be posted: the headline, alerts, what changes and the table too', () => {
    const changes = modified(deployment('web:1'), deployment('web:2'))
    const highlights = [
      {
        type: 'image' as const,
        resource: 'Deployment shop/web',
        container: 'web',
        before: 'web:1',
        after: 'web:2'
      }
    ]
    const r = report(
      [
        target('web-dev', 'dev', changes, { highlights }),
        target('web-prod', 'prod', changes, { highlights })
      ],
      [secretFinding('web-prod')]
    )
    const comment = renderMarkdown(r)
    const summary = renderMarkdownWithin(r, 1024 * 1024, {
      purpose: 'summary',
      withOverview: true
    }).text
    expect(summary).not.toContain('The pull request comment has the overview')
    expect(summary).toContain(
      '_The pull request comment could not be posted: the overview is here._'
    )
    // The comment's overview, line for line: from the alerts to the environment table.
    const overview = comment.slice(comment.indexOf('> [!CAUTION]'), comment.indexOf('<details>'))
    expect(overview).toContain('<b>What changes</b>')
    expect(overview).toContain('| Environment | Targets that change |')
    expect(summary).toContain(overview)
    expect(summary.split('\n')[0]).toBe(comment.split('\n')[0])
    expect(summary).toContain('| | Finding | Where | Fix |')
  })
})

describe('links from the runner', () => {
  it('point at the run only when its id is digits', () => {
    const settings = { serverUrl: 'https://github.com', repository: 'acme/dry' }
    expect(reportLinks({ ...settings, runId: '12345' })).toEqual({
      repositoryUrl: 'https://github.com/acme/dry',
      branchesUrl: 'https://github.com/acme/dry',
      runUrl: 'https://github.com/acme/dry/actions/runs/12345'
    })
    expect(reportLinks({ ...settings, runId: '1"><img>' }).runUrl).toBeUndefined()
    expect(reportLinks({ serverUrl: 'https://github.com' })).toEqual({
      repositoryUrl: undefined,
      branchesUrl: undefined,
      runUrl: undefined
    })
  })
})
