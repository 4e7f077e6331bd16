import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import MarkdownIt from 'markdown-it'
import type { DiffReport } from '../../src/diff/types.js'
import { neutralizeCommands } from '../../src/action/coreLogger.js'
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
        message: `${HOSTILE.heading} ${HOSTILE.mention} | broken | table`
      }
    ]
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1
}

describe('resource text in the comment is escaped or fenced', () => {
  const marker = commentMarker('default')
  const markdown = renderMarkdownWithin(hostileReport(), 65_536, { marker }).text
  const html = github.render(markdown)

  it('opens and closes only the HTML we write', () => {
    expect(count(html, '<details>')).toBe(count(html, '</details>'))
    // Ours: the evil target's diff, the render error, the evil target's tool warnings.
    expect(count(html, '<details>')).toBe(3)
    expect(count(html, '</summary>')).toBe(3)
    expect(html).not.toContain('<img')
    expect(html).not.toContain('onerror=alert(1)>')
  })

  it('starts no heading from content: the only headings are ours', () => {
    const headings = [...html.matchAll(/<h(\d)>(.*?)<\/h\1>/g)].map(m => [m[1], m[2] ?? ''])
    // Ours: the title, the findings table, one per changed resource (its kind and name).
    expect(headings.map(([level]) => level)).toEqual(['3', '4', '4'])
    expect(headings[0]?.[1]).toMatch(/^Rendered diff/)
    expect(headings[2]?.[1]).toMatch(/^ConfigMap&lt;\/code&gt;/)
  })

  it('mentions nobody and carries one marker, ours, first', () => {
    // Code blocks show text literally (GitHub links no mention there); everywhere else the
    // mention is broken by an invisible word joiner.
    const outsideCode = html.replace(/<pre>[\s\S]*?<\/pre>/g, '')
    expect(outsideCode).not.toMatch(/@acme/)
    expect(outsideCode).toContain('@\u2060acme')
    expect(markdown.startsWith(`${marker}\n`)).toBe(true)
    expect(count(markdown, '<!-- hydrate-action:rendered-diff')).toBe(1)
    expect(markdown).not.toContain(HOSTILE.marker)
  })

  it('keeps the table one row per target whatever a message holds', () => {
    const rows = markdown.split('\n').filter(l => l.startsWith('| ❌'))
    expect(rows).toHaveLength(1)
    expect(html).toContain('<td>plaintext-secret</td>')
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
              changedTargets: [evil],
              pruned: []
            }
          ],
          pushed: true,
          attempts: 1
        },
        render: {
          dry: { sha: 'd'.repeat(40), subject: '<script>alert(1)</script>' },
          layouts: [{ branch: 'env/dev', targets: [{ target: { name: evil }, resources: [] }] }]
        }
      } as unknown as RepositoryHydration
      const settings = { serverUrl: 'https://github.com', repository: 'acme/dry', push: true }
      await writeHydrateSummary(
        result,
        settings as ActionSettings,
        new GuardedOutput(new CredentialGuard([]))
      )
      const html = fs.readFileSync(file, 'utf8')
      expect(html).toContain('<b>web&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt; @\u2060acme')
      expect(html).not.toContain('<img')
      expect(html).not.toContain('<script>')
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
