import { spawn } from 'node:child_process'
import { HydrateError } from '../errors.js'

export interface GitResult {
  stdout: string
  /** stdout as bytes, for output whose sizes are counted in bytes (cat-file --batch). */
  stdoutBuffer: Buffer
  stderr: string
  exitCode: number
}

export interface GitExecOptions {
  input?: string | Buffer
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean
  env?: NodeJS.ProcessEnv
}

export class GitError extends HydrateError {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly gitExitCode: number
  ) {
    super(`git ${command} failed (exit ${gitExitCode})${stderr.trim() ? `: ${stderr.trim()}` : ''}`)
  }
}

/**
 * Runs git in one repository with a fixed environment (auth config, a temporary index).
 * Every call is an argument array, never a shell line; it counts the processes it starts
 * so callers can report them.
 */
export class GitCommandManager {
  constructor(
    readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv = {},
    /** Shared with managers made by withEnv, so the count covers them all. */
    private readonly counter = { processes: 0 }
  ) {}

  /** git processes started so far. */
  get processes(): number {
    return this.counter.processes
  }

  /** A manager for the same repository with more environment (shares the process count). */
  withEnv(env: NodeJS.ProcessEnv): GitCommandManager {
    return new GitCommandManager(this.cwd, { ...this.env, ...env }, this.counter)
  }

  exec(args: string[], options: GitExecOptions = {}): Promise<GitResult> {
    this.counter.processes++
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...this.env, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (c: Buffer) => out.push(c))
      child.stderr.on('data', (c: Buffer) => err.push(c))
      child.on('error', reject)
      child.stdin.on('error', () => undefined) // git may exit before reading all input
      child.on('close', code => {
        const stdoutBuffer = Buffer.concat(out)
        const result = {
          stdout: stdoutBuffer.toString('utf8'),
          stdoutBuffer,
          stderr: Buffer.concat(err).toString('utf8'),
          exitCode: code ?? 1
        }
        if (result.exitCode !== 0 && !options.allowFailure)
          reject(new GitError(args[0] ?? '', result.stderr, result.exitCode))
        else resolve(result)
      })
      child.stdin.end(options.input ?? '')
    })
  }

  async output(args: string[], options: GitExecOptions = {}): Promise<string> {
    return (await this.exec(args, options)).stdout
  }
}
