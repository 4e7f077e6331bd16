import { spawn } from 'node:child_process'
import path from 'node:path'
import { HydrateError } from '../errors.js'
import { childEnvironment, type ProcessPurpose } from './environment.js'

export interface ProcessResult {
  stdout: string
  /** stdout as bytes, for output whose sizes are counted in bytes (git cat-file --batch). */
  stdoutBuffer: Buffer
  stderr: string
  exitCode: number
  wallMs: number
}

export interface RunOptions {
  cwd?: string
  /** The environment the allow-list is taken from (default: this process's). */
  env?: NodeJS.ProcessEnv
  /** Which allow-list applies (default: render). */
  purpose?: ProcessPurpose
  /** Variables we set ourselves, passed on as they are. */
  extraEnv?: NodeJS.ProcessEnv
  timeoutMs?: number
  input?: string | Buffer
}

export class ProcessTimeoutError extends HydrateError {}

/** Object.prototype with properties of its own: some input polluted it (see security/ownProperty). */
export class PrototypePollutionError extends HydrateError {}

/**
 * spawn reads its options, and the environment it passes on, through inherited properties too:
 * a polluted Object.prototype would add variables (GIT_CONFIG_*) or options to every process.
 * Fail closed before any process starts.
 */
function assertPrototypeIntact(): void {
  const polluted = Object.getOwnPropertyNames(Object.prototype).filter(
    name => !PROTOTYPE_NAMES.has(name)
  )
  if (polluted.length > 0)
    throw new PrototypePollutionError(
      `refusing to start a process: Object.prototype was given ${polluted.map(n => JSON.stringify(n)).join(', ')} (prototype pollution by some input)`
    )
}
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype))

/**
 * The one place child processes start: an argument array (never a shell), the allow-listed
 * environment, an optional timeout. A non-zero exit is returned, not thrown: the caller
 * knows which target or git command it belongs to.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions = {}
): Promise<ProcessResult> {
  const started = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    assertPrototypeIntact() // a throw here rejects the promise
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: childEnvironment(
        options.env ?? process.env,
        options.purpose ?? 'render',
        options.extraEnv
      ),
      // No input: /dev/null, as immediate an end of input as an empty pipe, and one pipe
      // (a socket and its stream) less per process.
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      shell: false
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let timedOut = false
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, options.timeoutMs)
        : undefined
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.stdin?.on('error', () => undefined) // the program may exit before reading all input
    child.on('error', error => {
      if (timer) clearTimeout(timer)
      reject(error)
    })
    child.on('close', code => {
      if (timer) clearTimeout(timer)
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6
      if (timedOut) {
        reject(
          new ProcessTimeoutError(
            `${path.basename(file)} ${args[0] ?? ''} timed out after ${options.timeoutMs} ms`
          )
        )
        return
      }
      const stdoutBuffer = Buffer.concat(stdout)
      resolve({
        stdout: stdoutBuffer.toString('utf8'),
        stdoutBuffer,
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code ?? 1,
        wallMs
      })
    })
    child.stdin?.end(options.input)
  })
}
