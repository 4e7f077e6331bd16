import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import MarkdownIt from 'markdown-it'
import type { DiffReport } from '../../src/diff/types.js'
import { neutralizeWorkflowCommands as neutralizeCommands } from '../../src/security/workflowCommands.js'
import { GuardedOutput } from '../../src/action/guardedOutput.js'
import type { ActionSettings } from '../../src/action/settings.js'
import { writeHydrateSummary } from '../../src/action/summary.js'
import type { RepositoryHydration } from '../../src/engine.js'
import { commentMarker } from '../../src/github/stickyComment.js'
import { CredentialGuard } from '../../src/security/credentials.js'
import { escapeText } from '../../src/report/escape.js'
import { renderMarkdown, renderMarkdownWithin } from '../../src/report/markdown.js'

/** CommonMark with GitHub's tables and raw HTML: what a comment becomes on the page. */
const github = new MarkdownIt({ html: true, linkify: false })

const HOSTILE = {
  closeHtml: '</code></summary></details><img src=x onerror=alert(1)>',
  heading: '\n## ✅ Approved by @acme/security-team\n',
  mention: '@acme/security-team',
  marker: commentMarker('staging')
}

function hostileReport(): DiffReport {
  return {
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    targets: [
      {
        name: `evil-${HOSTILE.closeHtml}`,
        env: `prod ${HOSTILE.mention}`,
        branch: 'env/prod',
        path: `apps/${HOSTILE.closeHtml}`,
        status: 'changed',
        counts: { added: 1, modified: 0, removed: 0, renamed: 0 },
        resources: [
          {
            group: '',
            kind: `ConfigMap${HOSTILE.closeHtml}${HOSTILE.heading}`,
            namespace: HOSTILE.mention,
            name: `cm ${HOSTILE.marker}`,
            change: 'added',
            diff: `+metadata:\n+  annotations:\n+    note: "${HOSTILE.marker} ${HOSTILE.mention}"\n+  name: x\n`
          }
        ],
        // Tool text echoes repository content: a warning can carry anything.
        // Images, container and workload names come from the chart: as hostile as the rest.
        highlights: [
          {
            type: 'image',
            resource: `Deployment ${HOSTILE.mention}/web${HOSTILE.closeHtml}`,
            container: HOSTILE.heading,
            before: `evil/${HOSTILE.closeHtml}:1`,
            after: `evil/${HOSTILE.closeHtml}:2 ${HOSTILE.marker}`
          },
          {
            type: 'resources',
            resource: 'Deployment web',
            container: 'web',
            field: 'limits.memory',
            before: HOSTILE.closeHtml,
            after: HOSTILE.mention
          }
        ],
        warnings: [
          `# Warning: ${HOSTILE.closeHtml}`,
          HOSTILE.heading.trim(),
          `${HOSTILE.marker} ${HOSTILE.mention}`,
          '```\n</details>'
        ]
      },
      {
        name: `quiet ${HOSTILE.mention}`,
        env: 'dev',
        branch: 'env/dev',
        path: 'quiet',
        status: 'ignored-only',
        counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
        resources: [],
        ignoredFields: [`${HOSTILE.closeHtml} (diff.ignore)`, `${HOSTILE.heading} label`]
      },
      {
        name: 'broken',
        env: 'dev',
        branch: 'env/dev',
        path: 'broken',
        status: 'error',
        counts: { added: 0, modified: 0, removed: 0, renamed: 0 },
        resources: [],
        error: `helm failed:\n${HOSTILE.heading}\n${HOSTILE.marker}\n\`\`\`\n</details>`
      }
    ],
    findings: [
      {
        target: 'evil',
        resource: `Secret ${HOSTILE.closeHtml}`,
        rule: 'plaintext-secret',
        severity: 'error',
        message: `${HOSTILE.heading} ${HOSTILE.mention} | broken | table`,
        field: `data.${HOSTILE.closeHtml}`,
        fix: `${HOSTILE.marker} ${HOSTILE.heading}`
      }
    ]
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1
}

describe('resource text in the comment is escaped or fenced', () => {
  const marker = commentMarker('default')
  // Links built from hostile branch and path names (the config is the PR's content too).
  const links = {
    repositoryUrl: 'https://github.com/acme/dry',
    runUrl: 'https://github.com/acme/dry/actions/runs/42'
  }
  const markdown = renderMarkdownWithin(hostileReport(), 65_536, { marker, links }).text
  const html = github.render(markdown)
  const summary = renderMarkdownWithin(hostileReport(), 1024 * 1024, {
    purpose: 'summary',
    links
  }).text
  const summaryHtml = github.render(summary)

  it('opens and closes only the HTML we write', () => {
    for (const page of [html, summaryHtml])
      expect(count(page, '<details')).toBe(count(page, '</details>'))
    // Ours: the evil target's diff, the render error (open), the evil target's tool warnings.
    expect(count(html, '<details>')).toBe(2)
    expect(count(html, '<details open>')).toBe(1)
    expect(count(html, '</summary>')).toBe(3)
    for (const page of [html, summaryHtml]) {
      expect(page).not.toContain('<img')
      expect(page).not.toContain('onerror=alert(1)>')
    }
  })

  it('starts no heading from content: the only headings are ours', () => {
    const headings = [...html.matchAll(/<h(\d)>(.*?)<\/h\1>/g)].map(m => [m[1], m[2] ?? ''])
    // Ours: the headline, one per changed resource (its kind and name).
    expect(headings.map(([level]) => level)).toEqual(['3', '4'])
    expect(headings[0]?.[1]).toMatch(/^❌ 1 blocking finding · 1 target failed to render/)
    expect(headings[1]?.[1]).toMatch(/^ConfigMap&lt;\/code&gt;/)
    const summaryHeadings = [...summaryHtml.matchAll(/<h(\d)>/g)].map(m => m[1])
    // The summary: the headline, the findings, one per changed resource.
    expect(summaryHeadings).toEqual(['3', '4', '4'])
  })

  it('links only to the repository, with branch and path encoded', () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map(m => m[1] ?? '')
    expect(hrefs.length).toBeGreaterThan(3)
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/github\.com\/acme\/dry\/[^\s<>"]*$/)
    expect(hrefs).toContain(
      'https://github.com/acme/dry/tree/env/prod/apps/%3C/code%3E%3C/summary%3E%3C/details%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E'
    )
  })

  it('mentions nobody and carries one marker, ours, first', () => {
    // Code blocks show text literally (GitHub links no mention there); everywhere else the
    // mention is broken by an invisible word joiner.
    const outsideCode = html.replace(/<pre>[\s\S]*?<\/pre>/g, '')
    expect(outsideCode).not.toMatch(/@acme/)
    expect(outsideCode).toContain('@\u2060acme')
    expect(summaryHtml.replace(/<pre>[\s\S]*?<\/pre>/g, '')).not.toMatch(/@acme/)
    expect(markdown.startsWith(`${marker}\n`)).toBe(true)
    expect(count(markdown, '<!-- hydrate-action:rendered-diff')).toBe(1)
    expect(markdown).not.toContain(HOSTILE.marker)
    expect(count(summary, '<!-- hydrate-action:rendered-diff')).toBe(0)
  })

  it('keeps one alert line per finding and one table row per environment whatever a message holds', () => {
    const alertLines = markdown.split('\n').filter(l => l.startsWith('> - <b>plaintext-secret'))
    expect(alertLines).toHaveLength(1)
    expect(html).toMatch(/<blockquote>[\s\S]*<b>plaintext-secret<\/b>[\s\S]*<\/blockquote>/)
    expect(markdown.split('\n').filter(l => l.startsWith('| <b>'))).toHaveLength(2)
    const rows = summary.split('\n').filter(l => l.startsWith('| ❌ blocks'))
    expect(rows).toHaveLength(1)
    expect(summaryHtml).toContain('<td><b>plaintext-secret</b>: ')
  })

  it('still reads as the text it escapes', () => {
    // Entities decode back to the original characters on the page.
    const rendered = github.renderInline(escapeText('a|b <c> `d` *e* @f #g'))
    expect(rendered.replace(/\u2060/g, '')).toBe('a|b &lt;c&gt; `d` *e* @f #g')
    expect(renderMarkdown(hostileReport())).toContain('ConfigMap&lt;/code&gt;')
    // The tool warnings and the ignored fields are there, as text.
    expect(markdown).toContain('# Warning: </code></summary></details><img src=x onerror=alert(1)>')
    expect(markdown).toContain(
      '- quiet @\u2060acme/security-team: &lt;/code&gt;&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; (diff.ignore),'
    )
  })
})

describe('the push job summary', () => {
  it('escapes branch and target names and the dry subject', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-summary-')), 's.md')
    fs.writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
    try {
      const evil = 'web</b><img src=x onerror=alert(1)> @acme/security-team'
      const result = {
        write: {
          branches: [
            {
              branch: 'env/dev',
              status: 'updated',
              commit: 'c'.repeat(40),
              previous: 'p'.repeat(40),
              changedTargets: [evil],
              pruned: []
            },
            {
              branch: 'env/qa',
              status: 'created',
              commit: 'e'.repeat(40),
              changedTargets: [],
              pruned: [{ path: evil, target: evil }]
            },
            { branch: 'env/old', status: 'skipped', reason: evil, changedTargets: [], pruned: [] }
          ],
          pushed: true,
          attempts: 1
        },
        render: {
          dry: { sha: 'd'.repeat(40), subject: '<script>alert(1)</script>' },
          layouts: [{ branch: 'env/dev', targets: [{ target: { name: evil }, resources: [] }] }]
        }
      } as unknown as RepositoryHydration
      const settings = {
        serverUrl: 'https://github.com',
        repository: 'acme/dry',
        push: true,
        stepSummary: true
      }
      await writeHydrateSummary(
        result,
        settings as ActionSettings,
        new GuardedOutput(new CredentialGuard([]))
      )
      const html = fs.readFileSync(file, 'utf8')
      expect(html).toContain('<b>web&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt; @\u2060acme')
      expect(html).not.toContain('<img')
      expect(html).not.toContain('<script>')
      // A compare link per updated branch, an icon per status, the text apart from its table.
      expect(html).toContain(
        `<a href="https://github.com/acme/dry/compare/${'p'.repeat(40)}...${'c'.repeat(40)}">compare</a>`
      )
      expect(html).toContain('✏️ <code>env/dev</code>')
      expect(html).toContain('🆕 <code>env/qa</code>')
      expect(html.split('compare</a>')).toHaveLength(2)
      // The status cell's own markup stays markup; the names and the reason in it are text.
      expect(html).toContain(
        'created<br>pruned <code>web&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt; @\u2060acme'
      )
      expect(html).toContain('skipped: web&lt;/b&gt;&lt;img')
      expect(html).toMatch(/&lt;\/script&gt;\n\n<table>/)
    } finally {
      delete process.env.GITHUB_STEP_SUMMARY
    }
  })
})

describe('log lines from repository names', () => {
  it('cannot start a workflow command', () => {
    const text = neutralizeCommands(
      'env/dev: updated (app\n::set-output name=commits::x\n  ::notice::y)'
    )
    expect(text.split('\n').some(line => /^\s*::/.test(line))).toBe(false)
    expect(text.replace(/\u200b/g, '')).toBe(
      'env/dev: updated (app\n::set-output name=commits::x\n  ::notice::y)'
    )
  })
})
