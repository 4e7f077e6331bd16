import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { tempDir } from './repo.js'
import { ROOT, toolEnv } from './tools.js'

export interface ActionRun {
  status: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** RUNNER_TEMP of the run (the action writes its report files below it). */
  runnerTemp: string
}

/** The INPUT_* variables the runner sets: action.yml defaults, then the step's `with:`. */
export function actionInputs(
  withInputs: Record<string, string>,
  token: string
): Record<string, string> {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value =
      withInputs[name] ?? (spec.default === '${{ github.token }}' ? token : (spec.default ?? ''))
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  return env
}

/** Parses the GITHUB_OUTPUT file (`name<<DELIM\nvalue\nDELIM` records). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '')
    outputs[name as string] = value.join('\n')
  }
  return outputs
}

/** Runs the bundled action (dist/index.js) as the runner would (asynchronously: a test API server may run in this process). */
export async function runBundledAction(options: {
  workspace: string
  eventName: string
  payload: unknown
  inputs?: Record<string, string>
  token?: string
  env?: Record<string, string>
}): Promise<ActionRun> {
  const dir = tempDir('hydrate-runner-')
  const eventPath = path.join(dir, 'event.json')
  const outputPath = path.join(dir, 'output')
  const summaryPath = path.join(dir, 'summary.md')
  fs.writeFileSync(eventPath, JSON.stringify(options.payload))
  fs.writeFileSync(outputPath, '')
  fs.writeFileSync(summaryPath, '')
  const token = options.token ?? 'ghs_e2eToken000000000000000000000000'
  const env: NodeJS.ProcessEnv = {
    ...toolEnv(),
    HELM_BIN: '',
    KUBECTL_BIN: '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'acme/dry',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: dir,
    ...actionInputs(options.inputs ?? {}, token),
    ...options.env
  }
  const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'index.js')], {
        cwd: options.workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
      child.on('error', reject)
      child.on('close', status => resolve({ status, stdout, stderr }))
    }
  )
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseOutputs(fs.readFileSync(outputPath, 'utf8')),
    summary: fs.readFileSync(summaryPath, 'utf8'),
    runnerTemp: dir
  }
}
