import { describe, expect, it } from '@jest/globals'
import type { DiffReport, ResourceChange, TargetDiff } from '../../src/diff/types.js'
import {
  COMMENT_LIMIT,
  renderMarkdown,
  renderMarkdownWithin,
  sameReport
} from '../../src/report/markdown.js'

function resource(name: string, lines: number): ResourceChange {
  const body = Array.from({ length: lines }, (_, i) =>
    i % 2 ? `+  key${i}: value-${i}` : `-  key${i}: old-${i}`
  )
  body.splice(3, 0, '+  script: |', '+    ```', '+    echo fenced', '+    ```')
  return {
    group: '',
    kind: 'ConfigMap',
    namespace: 'ns',
    name,
    change: 'modified',
    diff: `--- base/ConfigMap ns/${name}\n+++ head/ConfigMap ns/${name}\n@@ -1,${lines} +1,${lines} @@\n${body.join('\n')}\n`
  }
}

function target(name: string, resources: ResourceChange[]): TargetDiff {
  return {
    name,
    env: 'prod',
    branch: 'env/prod',
    path: name,
    status: 'changed',
    counts: { added: 0, modified: resources.length, removed: 0, renamed: 0 },
    resources
  }
}

function report(targets: TargetDiff[]): DiffReport {
  return { base: 'a'.repeat(40), head: 'b'.repeat(40), targets, findings: [] }
}

/** Every fence that opens is closed by the same fence, and nothing is left open. */
function fencesBalanced(markdown: string): boolean {
  let open: string | undefined
  for (const line of markdown.split('\n')) {
    const match = /^(`{3,})(\w*)$/.exec(line)
    if (!match) continue
    if (open === undefined) open = match[1]
    else if (match[1] === open && match[2] === '') open = undefined
  }
  return open === undefined
}

describe('markdown size budget', () => {
  it('keeps a small report whole', () => {
    const small = report([target('web', [resource('a', 10)])])
    const { text, level } = renderMarkdownWithin(small, COMMENT_LIMIT, { marker: '<!-- m -->' })
    expect(level).toBe('full')
    expect(text).toBe(renderMarkdown(small, { marker: '<!-- m -->' }))
    expect(text.startsWith('<!-- m -->\n### ✅ 1 target changes in prod · no findings\n')).toBe(
      true
    )
    expect(text).toContain('#### ConfigMap ns/a · modified')
    expect(text).toContain('````diff') // a longer fence, since the content holds ```
    expect(fencesBalanced(text)).toBe(true)
  })

  it('cuts a huge diff (thousands of lines) to a valid comment within 65,536 characters, saying what was cut', () => {
    const huge = report([
      target('web', [resource('a', 6000), resource('b', 3000)]),
      target('api', [resource('c', 4000)])
    ])
    expect(renderMarkdown(huge).length).toBeGreaterThan(4 * COMMENT_LIMIT)
    const { text, level } = renderMarkdownWithin(huge, COMMENT_LIMIT, {
      fullReportHint: 'The full report is in the job summary.'
    })
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    // The three huge diffs become one line each; nothing else needs to go.
    expect(level).toBe('summarized')
    expect(fencesBalanced(text)).toBe(true)
    expect(text).toContain(
      'The rendered diff is too large to show in full here: the largest diffs are summarized in one line each. The full report is in the job summary.'
    )
    // The largest first (a, then c); b fits once they are one line each, and stays whole.
    expect(text).toContain(
      '#### ConfigMap ns/a · modified\n\n_+3,004 -3,000 lines: too large to show here._'
    )
    expect(text).toContain(
      '#### ConfigMap ns/c · modified\n\n_+2,004 -2,000 lines: too large to show here._'
    )
    expect(text).toContain('#### ConfigMap ns/b · modified\n\n````diff')
    expect(text).toContain('+  key2999: value-2999')
  })

  it('falls back to names, then to the table alone', () => {
    const many = report(
      Array.from({ length: 40 }, (_, i) =>
        target(
          `t${i}`,
          // A different diff per target: identical ones would be shown once.
          Array.from({ length: 30 }, (_, j) => resource(`r${j}`, 40 + i))
        )
      )
    )
    const names = renderMarkdownWithin(many, 60_000)
    expect(names.level).toBe('names')
    expect(names.text).toContain('- modified ConfigMap ns/r0')
    expect(names.text).not.toContain('```')
    const table = renderMarkdownWithin(many, 8_000)
    expect(table.level).toBe('table')
    expect(table.text.length).toBeLessThanOrEqual(8_000)
    expect(table.text).toContain('only the summary table is shown')
    expect(table.text).not.toContain('<details>')
  })

  it('says so when nothing changed', () => {
    const none = report([{ ...target('web', []), status: 'unchanged' }])
    const text = renderMarkdown(none)
    expect(text).toContain('### ✅ no rendered changes · no findings\n')
    expect(text).toContain('This pull request changes no rendered manifest in any environment.')
    expect(text).toContain('Unchanged: 1 target (prod 1)')
  })
})

describe('sameReport', () => {
  it('treats renderings that differ only in their timings as the same report', () => {
    const one = report([target('web', [resource('a', 10)])])
    const fast = renderMarkdown(one, { timings: { baseMs: 400, headMs: 500, totalMs: 1200 } })
    const slow = renderMarkdown(one, { timings: { baseMs: 900, headMs: 800, totalMs: 2100 } })
    expect(fast).not.toBe(slow)
    expect(sameReport(fast, slow)).toBe(true)
    const other = renderMarkdown(report([target('web', [resource('b', 10)])]), {
      timings: { baseMs: 400, headMs: 500, totalMs: 1200 }
    })
    expect(sameReport(fast, other)).toBe(false)
  })
})

describe('counts read as English', () => {
  it('says 1 target, not 1 targets', () => {
    const text = renderMarkdown(report([target('web', [resource('a', 4)])]))
    expect(text).toContain('### ✅ 1 target changes in prod · no findings')
    const two = renderMarkdown(
      report([target('web', [resource('a', 4)]), target('api', [resource('b', 4)])])
    )
    expect(two).toContain('### ✅ 2 targets change in prod · no findings')
    expect(two).toContain('🟡 web 1 modified<br>🟡 api 1 modified')
  })
})

describe('what a reviewer sees first', () => {
  const failing = (name: string, env: string): TargetDiff => ({
    ...target(name, []),
    env,
    status: 'error',
    counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
    error: `head: target ${name}: helm was not found on PATH.`
  })

  it('counts render errors apart and shows a shared error once, naming every target', () => {
    const text = renderMarkdown(
      report([
        target('web', [resource('a', 4)]),
        failing('api-dev', 'dev'),
        failing('api-prod', 'prod')
      ])
    )
    expect(text).toContain('### ❌ 2 targets failed to render · 1 of 3 targets changes in prod\n')
    // One line in the alert, the whole text once, in a block that is open.
    expect(text).toContain(
      '> - <b>render error</b> · prod / api-prod, dev / api-dev: head: target api-prod: helm was not found on PATH. (below)'
    )
    expect(text.split('```text\nhead: target').length - 1).toBe(1)
    expect(text).toContain(
      '<details open><summary>❌ render error: <b>prod / api-prod, dev / api-dev</b> (the same error in 2 targets)</summary>'
    )
    const onlyErrors = renderMarkdown(report([failing('api-dev', 'dev')]))
    expect(onlyErrors).toContain('### ❌ 1 target failed to render\n')
    expect(onlyErrors).not.toContain('changes no rendered manifest')
    expect(onlyErrors).not.toContain('change,')
  })

  it('lists new findings in the table and collapses pre-existing ones into one line', () => {
    const finding = (target: string, preExisting: boolean) => ({
      target,
      resource: 'Deployment web',
      rule: 'mutable-image-tag',
      severity: 'warning' as const,
      message: 'image nginx has no tag',
      preExisting
    })
    const text = renderMarkdown({
      ...report([target('web', [resource('a', 4)]), { ...target('old', []), status: 'unchanged' }]),
      findings: [finding('web', false), finding('old', true), finding('old', true)]
    })
    const [top, collapsed] = text.split('<details><summary>2 pre-existing findings')
    expect(top).toContain(
      '> [!WARNING]\n> <b>Does not block</b> (<code>fail-on: error</code>):\n> - <b>mutable-image-tag</b> · prod / web · <code>Deployment web</code>: image nginx has no tag.\n'
    )
    expect(top).not.toContain('prod / old')
    expect(top).toContain('Unchanged: 1 target (prod 1)')
    expect(collapsed).toContain(
      '| pre-existing | <b>mutable-image-tag</b>: image nginx has no tag | prod / old<br><code>Deployment web</code> | change the head so that mutable-image-tag passes, or set policy.rules.mutable-image-tag (error, warning or off) if it is expected here |'
    )
    expect(text).toContain('### ⚠️ 1 of 2 targets changes in prod · 1 finding that does not block')
  })
})

describe('one change in several environments', () => {
  it('shows each distinct resource diff once and points at it from the other targets', () => {
    const same = (env: string) => ({ ...target(`web-${env}`, [resource('a', 4)]), env })
    const different = { ...target('web-prod', [resource('a', 6)]), env: 'prod' }
    const text = renderMarkdown(report([same('dev'), same('staging'), different]))
    // dev shows the diff; staging points at it; prod's own diff differs and is shown.
    expect(text.split('```diff').length - 1).toBe(2)
    expect(text).toContain('_The same change in <b>staging / web-staging</b>._')
    expect(text).toContain(
      'The same change as in <b>dev / web-dev</b>, shown there: ConfigMap ns/a'
    )
    expect(text.split('The same change as in').length - 1).toBe(1)
  })
})

describe('changes only in ignored fields', () => {
  const ignoredOnly = (name: string, env: string, fields: string[]): TargetDiff => ({
    ...target(name, []),
    env,
    status: 'ignored-only',
    counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
    ignoredFields: fields
  })

  it('never says "no changes" when the push would rewrite a manifest, and names the fields', () => {
    const text = renderMarkdown(
      report([
        ignoredOnly('web-dev', 'dev', ['helm.sh/chart label']),
        ignoredOnly('web-prod', 'prod', ['helm.sh/chart label']),
        ignoredOnly('api-dev', 'dev', ['/spec/replicas (diff.ignore)', 'helm.sh/chart label']),
        { ...target('db', []), status: 'unchanged' }
      ])
    )
    expect(text).toContain('### ✅ 0 of 4 targets change, 3 only in ignored fields · no findings\n')
    expect(text).not.toContain('no changes')
    expect(text).not.toContain('changes no rendered manifest')
    expect(text).toContain(
      'This pull request changes no field the diff shows, but merging it rewrites the manifests of 3 targets'
    )
    expect(text).toContain(
      [
        'Changes only in ignored fields (3): the diff hides them, merging rewrites these manifests',
        '',
        '- web-dev, web-prod: helm.sh/chart label',
        '- api-dev: /spec/replicas (diff.ignore), helm.sh/chart label',
        '',
        'Unchanged: 1 target (prod 1)'
      ].join('\n')
    )
    expect(text).not.toContain('| Environment |') // no table row: nothing to review there
  })

  it('counts them apart from real changes, and keeps the table for targets with findings', () => {
    const text = renderMarkdown({
      ...report([
        target('web', [resource('a', 4)]),
        ignoredOnly('api', 'prod', ['resource order'])
      ]),
      findings: [
        {
          target: 'api',
          resource: 'Deployment api',
          rule: 'mutable-image-tag',
          severity: 'warning',
          message: 'image nginx has no tag'
        }
      ]
    })
    expect(text).toContain(
      '### ⚠️ 1 of 2 targets changes in prod, 1 only in ignored fields · 1 finding that does not block\n'
    )
    expect(text).not.toContain('This pull request changes no')
    expect(text).toContain(
      '| <b>prod</b> | 🟡 web 1 modified<br>⚪ api ignored fields only · ⚠️ 1 finding |'
    )
    expect(text).toContain('- api: resource order')
    expect(text.split('<details><summary>🟡').length - 1).toBe(1) // only web's diff
  })
})

describe('tool warnings', () => {
  const bases =
    "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically."
  const warned = (name: string, env: string, warnings: string[]): TargetDiff => ({
    ...target(name, [resource(`${name}-cm`, 4)]),
    env,
    warnings
  })

  it('are shown once per distinct set, collapsed, below every diff', () => {
    const text = renderMarkdown(
      report([
        warned('web-dev', 'dev', [bases]),
        warned('web-prod', 'prod', [bases]),
        warned('api-dev', 'dev', ['walk.go:75: found symbolic link in path: charts/api/x.yaml'])
      ])
    )
    const shared =
      '<details><summary>⚠️ 1 tool warning: <b>dev / web-dev</b>, <b>prod / web-prod</b></summary>'
    expect(text.split(shared)).toHaveLength(2)
    expect(text.split(bases)).toHaveLength(2)
    expect(text).toContain('<details><summary>⚠️ 1 tool warning: <b>dev / api-dev</b></summary>')
    expect(text.indexOf(shared)).toBeGreaterThan(text.lastIndexOf('```diff'))
    expect(text.slice(text.indexOf(shared))).toContain(`\`\`\`text\n${bases}\n\`\`\``)
    expect(text).not.toContain('⚠️ 0')
  })

  it('degrade with the rest of the report: cut, then counted, then left out', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `# Warning: number ${i} is deprecated`)
    const noisy = report([
      warned('web', 'dev', lines),
      ...Array.from({ length: 20 }, (_, i) => target(`t${i}`, [resource(`r${i}`, 300 + i)]))
    ])
    const truncated = renderMarkdownWithin(noisy, COMMENT_LIMIT)
    expect(truncated.level).toBe('truncated')
    expect(truncated.text.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(fencesBalanced(truncated.text)).toBe(true)
    expect(truncated.text).toContain(
      '<details><summary>⚠️ 3000 tool warnings: <b>dev / web</b></summary>'
    )
    expect(truncated.text).not.toContain('number 2999')
    const names = renderMarkdownWithin(noisy, 4_000)
    expect(names.level).toBe('names')
    expect(names.text).toContain('- ⚠️ 3000 tool warnings: <b>dev / web</b>')
    expect(names.text).not.toContain('number 0 is')
    const table = renderMarkdownWithin(noisy, 2_500)
    expect(table.level).toBe('table')
    expect(table.text).not.toContain('tool warning')
  })
})
