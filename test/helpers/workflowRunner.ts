// A small stand-in for the Actions runner: runs one job of a workflow the project documents,
// step by step, as the runner would — `if:` evaluated (workflowExpressions.ts), `run:` with
// bash and the step's `env:`, this action as the real bundle, upload-artifact and
// download-artifact as copies into and out of a directory. Setup actions the test machine
// already provides (checkout, helm, kubectl) are no-ops; any other step shape is refused.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { runBundledAction } from './action.js'
import { tempDir } from './repo.js'
import { toolEnv } from './tools.js'
import { stepRuns, substitute, type ExpressionContext } from './workflowExpressions.js'

export interface WorkflowStep {
  id?: string
  name?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}

export interface StepRecord {
  step: WorkflowStep
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  /** What the step printed (a bash step's stdout and stderr, the action's log). */
  log: string
}

export interface JobRun {
  conclusion: 'success' | 'failure'
  steps: StepRecord[]
}

/** Where a run stands: the event it is for, its workspace, the artifacts of every run. */
export interface RunnerContext {
  eventName: string
  event: Record<string, unknown>
  runId: number
  workspace: string
  /** Artifacts, `<dir>/<run id>/<name>/…`, shared by the runs of one test. */
  artifacts: string
  /** Extra environment for the action (GITHUB_API_URL of the test's API server). */
  env: Record<string, string>
}

const STEP_KEYS = new Set(['id', 'name', 'if', 'uses', 'run', 'with', 'env'])
const PROVIDED = /^(actions\/checkout|azure\/setup-helm|azure\/setup-kubectl)@v\d+$/
const THIS_ACTION = /^(org\/hydrate-action@v\d+|\.\/)$/

/** The one job of a parsed workflow (jobs with `needs:`, matrices and job `if:` are refused). */
export function onlyJob(workflow: { jobs?: Record<string, Record<string, unknown>> }): {
  steps: WorkflowStep[]
} {
  const jobs = Object.values(workflow.jobs ?? {})
  if (jobs.length !== 1) throw new Error(`the runner runs one job, the workflow has ${jobs.length}`)
  const [job] = jobs as [Record<string, unknown>]
  const extra = Object.keys(job).filter(key => key !== 'runs-on' && key !== 'steps')
  if (extra.length > 0) throw new Error(`unsupported job keys: ${extra.join(', ')}`)
  return { steps: job.steps as WorkflowStep[] }
}

/** Runs a job's steps in order; a failed step fails the job and the steps after it see failure(). */
export async function runJob(steps: readonly WorkflowStep[], run: RunnerContext): Promise<JobRun> {
  const records: StepRecord[] = []
  const expressions: ExpressionContext = {
    steps: {},
    github: {
      event: run.event,
      event_name: run.eventName,
      run_id: String(run.runId),
      token: 'ghs_runnerToken00000000000000000000000',
      workspace: run.workspace
    },
    failed: false
  }
  for (const step of steps) {
    const unknown = Object.keys(step).filter(key => !STEP_KEYS.has(key))
    if (unknown.length > 0) throw new Error(`unsupported step keys: ${unknown.join(', ')}`)
    const record: StepRecord = stepRuns(step.if, expressions)
      ? await runStep(step, expressions, run)
      : { step, outcome: 'skipped', outputs: {}, log: '' }
    records.push(record)
    if (record.outcome === 'failure') expressions.failed = true
    if (step.id)
      expressions.steps[step.id] = {
        outcome: record.outcome,
        conclusion: record.outcome,
        outputs: record.outputs
      }
  }
  return { conclusion: expressions.failed ? 'failure' : 'success', steps: records }
}

const stringsOf = (values: Record<string, unknown> | undefined, context: ExpressionContext) =>
  Object.fromEntries(
    Object.entries(values ?? {}).map(([key, value]) => [key, substitute(String(value), context)])
  )

async function runStep(
  step: WorkflowStep,
  context: ExpressionContext,
  run: RunnerContext
): Promise<StepRecord> {
  const env = stringsOf(step.env, context)
  const inputs = stringsOf(step.with, context)
  const done = (ok: boolean, log: string, outputs: Record<string, string> = {}): StepRecord => ({
    step,
    outcome: ok ? 'success' : 'failure',
    outputs,
    log
  })
  if (step.run !== undefined) {
    if (step.uses !== undefined || step.with !== undefined) throw new Error('run: with uses:/with:')
    // Never substituted: a value goes through env: (the workflow lint refuses ${{ }} here).
    if (step.run.includes('${{')) throw new Error(`\${{ }} in a run: script: ${step.run}`)
    const result = await bash(step.run, env, run.workspace)
    return done(result.status === 0, result.log, result.outputs)
  }
  const uses = step.uses ?? ''
  if (PROVIDED.test(uses)) return done(true, `${uses}: provided by the test machine`)
  if (THIS_ACTION.test(uses)) {
    const action = await runBundledAction({
      workspace: run.workspace,
      eventName: run.eventName,
      payload: run.event,
      inputs,
      env: { ...run.env, ...env }
    })
    return done(action.status === 0, `${action.stdout}${action.stderr}`, action.outputs)
  }
  if (/^actions\/upload-artifact@v4$/.test(uses)) return done(...upload(inputs, run))
  if (/^actions\/download-artifact@v4$/.test(uses)) return done(...download(inputs, run))
  throw new Error(`the runner has no stand-in for uses: ${uses}`)
}

function onlyKeys(inputs: Record<string, string>, allowed: string[], action: string) {
  const extra = Object.keys(inputs).filter(key => !allowed.includes(key))
  if (extra.length > 0) throw new Error(`${action}: unsupported inputs ${extra.join(', ')}`)
}

/** upload-artifact@v4: a directory's contents, or one file, under the artifact's name. */
function upload(inputs: Record<string, string>, run: RunnerContext): [boolean, string] {
  onlyKeys(inputs, ['name', 'path', 'if-no-files-found', 'retention-days'], 'upload-artifact')
  const name = inputs.name || 'artifact'
  const source = inputs.path ? path.resolve(run.workspace, inputs.path) : ''
  const files = source && fs.existsSync(source) ? source : undefined
  if (!files) {
    // v4's default is warn: the step passes and no artifact exists.
    const mode = inputs['if-no-files-found'] || 'warn'
    const message = `No files were found with the provided path: ${inputs.path ?? ''}. No artifacts will be uploaded.`
    return mode === 'error' ? [false, `Error: ${message}`] : [true, `Warning: ${message}`]
  }
  const target = path.join(run.artifacts, String(run.runId), name)
  if (fs.existsSync(target)) return [false, `an artifact named ${name} exists already`]
  fs.mkdirSync(target, { recursive: true })
  if (fs.statSync(files).isDirectory()) fs.cpSync(files, target, { recursive: true })
  else fs.copyFileSync(files, path.join(target, path.basename(files)))
  return [true, `uploaded ${name}`]
}

/** download-artifact@v4 by name, from this run or the one `run-id` names, into `path`. */
function download(inputs: Record<string, string>, run: RunnerContext): [boolean, string] {
  onlyKeys(inputs, ['name', 'run-id', 'github-token', 'path'], 'download-artifact')
  const from = inputs['run-id'] || String(run.runId)
  if (inputs['run-id'] && !inputs['github-token'])
    return [false, 'Error: a run-id needs the github-token input']
  const source = path.join(run.artifacts, from, inputs.name ?? '')
  if (!inputs.name || !fs.existsSync(source))
    return [
      false,
      `Error: Unable to download artifact(s): Artifact not found for name: ${inputs.name ?? ''}`
    ]
  fs.cpSync(source, path.resolve(run.workspace, inputs.path ?? '.'), { recursive: true })
  return [true, `downloaded ${inputs.name} of run ${from}`]
}

/** A bash step as the runner starts it (`bash -e {0}` with pipefail), its outputs parsed. */
async function bash(
  script: string,
  env: Record<string, string>,
  cwd: string
): Promise<{ status: number | null; log: string; outputs: Record<string, string> }> {
  const dir = tempDir('hydrate-step-')
  const outputFile = path.join(dir, 'output')
  const scriptFile = path.join(dir, 'step.sh')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(scriptFile, script)
  const result = await new Promise<{ status: number | null; log: string }>((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      cwd,
      env: { ...toolEnv(), GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')))
    child.on('error', reject)
    child.on('close', status => resolve({ status, log }))
  })
  return { ...result, outputs: stepOutputs(fs.readFileSync(outputFile, 'utf8')) }
}

/** GITHUB_OUTPUT records: `name=value` lines and `name<<DELIM` … `DELIM` blocks. */
export function stepOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const block = /^([^<=]+)<<(.+)$/.exec(line)
    if (block) {
      const value: string[] = []
      while (++i < lines.length && lines[i] !== block[2]) value.push(lines[i] ?? '')
      outputs[block[1] as string] = value.join('\n')
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}
