import { HydrateError } from '../errors.js'
import { runProcess, type ProcessResult } from '../process/run.js'
import { redactUrls } from './redact.js'

export type GitResult = Omit<ProcessResult, 'wallMs'>

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
    super(
      `git ${command} failed (exit ${gitExitCode})${stderr.trim() ? `: ${redactUrls(stderr.trim())}` : ''}`
    )
  }
}

/**
 * Runs git in one repository with a fixed environment (auth config, a temporary index),
 * through the process layer (argument arrays, the allow-listed environment). It counts the
 * processes it starts so callers can report them.
 */
export class GitCommandManager {
  private count = 0

  constructor(
    readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv = {}
  ) {}

  /** git processes started so far. */
  get processes(): number {
    return this.count
  }

  async exec(args: string[], options: GitExecOptions = {}): Promise<GitResult> {
    this.count++
    const result = await runProcess('git', args, {
      cwd: this.cwd,
      purpose: 'git',
      extraEnv: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...this.env, ...options.env },
      input: options.input
    })
    if (result.exitCode !== 0 && !options.allowFailure)
      throw new GitError(args[0] ?? '', result.stderr, result.exitCode)
    return result
  }

  async output(args: string[], options: GitExecOptions = {}): Promise<string> {
    return (await this.exec(args, options)).stdout
  }
}
