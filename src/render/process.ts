import { spawn } from 'node:child_process'
import path from 'node:path'

export interface ProcessResult {
  stdout: string
  stderr: string
  exitCode: number
  wallMs: number
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

export class ProcessTimeoutError extends Error {}

/**
 * Runs a program with an argument array (never a shell) and collects its output.
 * A non-zero exit is returned, not thrown: the caller knows which target it belongs to.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions = {}
): Promise<ProcessResult> {
  const started = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
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
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
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
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code ?? 1,
        wallMs
      })
    })
  })
}

/** Runs `tasks` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T, index)
    }
  })
  await Promise.all(workers)
  return results
}
