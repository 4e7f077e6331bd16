import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const VALIDATOR = path.join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs')

/** The YAML blocks of the README that are workflows (a `jobs:` key), one per document. */
function readmeWorkflows(): Array<{ line: number; text: string }> {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n')
  const workflows: Array<{ line: number; text: string }> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue
    const start = i + 1
    let end = start
    while (lines[end] !== '```') end++
    let documentStart = start
    for (let j = start; j <= end; j++) {
      if (j < end && lines[j] !== '---') continue
      const text = lines.slice(documentStart, j).join('\n') + '\n'
      if (/^jobs:/m.test(text)) workflows.push({ line: documentStart + 1, text })
      documentStart = j + 1
    }
    i = end
  }
  return workflows
}

/** Runs @action-validator/cli (GitHub's workflow and action schemas) on a file. */
function validate(fileName: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-workflow-'))
  const file = path.join(dir, fileName)
  fs.writeFileSync(file, text)
  try {
    execFileSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8', stdio: 'pipe' })
    return ''
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string }
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}` || 'invalid'
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('the workflows the README shows', () => {
  const workflows = readmeWorkflows()

  it('finds the hydrate, rendered-diff and comment workflows', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(3)
  })

  it.each(workflows.map(w => [w.line, w.text] as const))(
    'README.md line %i is a valid workflow',
    (_line, text) => {
      expect(validate('workflow.yml', text)).toBe('')
    }
  )

  it('catches an invalid one (the validator is not a no-op)', () => {
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo 'a: ${{ b }}'\n        id: [\n"
    expect(validate('workflow.yml', broken)).toContain('error')
  })
})

describe('action.yml', () => {
  it('is a valid action', () => {
    // The validator's schema predates `using: node24` (GitHub runs it since 2025); the rest of
    // the file is checked as it is.
    const text = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
    expect(text).toMatch(/^ {2}using: node24$/m)
    expect(validate('action.yml', text.replace(/^( {2}using:) node24$/m, '$1 node20'))).toBe('')
  })
})
