import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { validateAction, validateWorkflow } from '@action-validator/core'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

/** The README and the docs pages (not the ADRs): every page a user copies workflows from. */
const USER_PAGES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter(name => name.endsWith('.md'))
    .sort()
    .map(name => `docs/${name}`)
]

/** The YAML blocks of a page that are workflows (a `jobs:` key), one per document. */
function pageWorkflows(page: string): Array<{ page: string; line: number; text: string }> {
  const lines = fs.readFileSync(path.join(ROOT, page), 'utf8').split('\n')
  const workflows: Array<{ page: string; line: number; text: string }> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue
    const start = i + 1
    let end = start
    while (lines[end] !== '```') end++
    let documentStart = start
    for (let j = start; j <= end; j++) {
      if (j < end && lines[j] !== '---') continue
      const text = lines.slice(documentStart, j).join('\n') + '\n'
      if (/^jobs:/m.test(text)) workflows.push({ page, line: documentStart + 1, text })
      documentStart = j + 1
    }
    i = end
  }
  return workflows
}

/** GitHub's workflow or action schema (@action-validator/core, in process): the errors. */
function validate(kind: 'workflow' | 'action', text: string): string {
  const state = kind === 'workflow' ? validateWorkflow(text) : validateAction(text)
  return state.errors
    .map(e => `${e.code}: ${e.title}${e.detail ? ` (${e.detail})` : ''}`)
    .join('\n')
}

describe('the workflows the README and the docs pages show', () => {
  const workflows = USER_PAGES.flatMap(pageWorkflows)

  it('finds the hydrate, rendered-diff and comment workflows', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(3)
  })

  it.each(workflows.map(w => [w.page, w.line, w.text] as const))(
    '%s line %i is a valid workflow',
    (_page, _line, text) => {
      expect(validate('workflow', text)).toBe('')
    }
  )

  it('catches an invalid one (the validator is not a no-op)', () => {
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo 'a: ${{ b }}'\n        id: [\n"
    expect(validate('workflow', broken)).not.toBe('')
  })
})

describe('action.yml', () => {
  it('is a valid action', () => {
    // The validator's schema predates `using: node24` (GitHub runs it since 2025); the rest of
    // the file is checked as it is.
    const text = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
    expect(text).toMatch(/^ {2}using: node24$/m)
    expect(validate('action', text.replace(/^( {2}using:) node24$/m, '$1 node20'))).toBe('')
  })
})
