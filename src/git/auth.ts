import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A token for the remote's server, and where its temporary config file may go. */
export interface RemoteAuth {
  token: string
  serverUrl: string
  /** The directory for the temporary config (the runner's RUNNER_TEMP); default os.tmpdir(). */
  tempDir?: string
}

/**
 * Puts a token in an `http.<origin>/.extraheader` inside a temporary git config file that
 * only our git processes include (through GIT_CONFIG_* variables, not arguments), and
 * removes it afterwards. The token is never in a URL, an argument list or a log line.
 * An empty extraheader first resets any header persisted by actions/checkout, so git does
 * not send two Authorization headers.
 */
export class GitAuthHelper {
  private dir?: string

  constructor(
    private readonly token: string,
    /** e.g. https://github.com/ — the header is sent to this origin only. */
    private readonly serverUrl: string,
    private readonly tempDir: string = os.tmpdir()
  ) {}

  /** The base64 form that appears in the header; callers mask it too. */
  get basicCredential(): string {
    return Buffer.from(`x-access-token:${this.token}`, 'utf8').toString('base64')
  }

  /** Environment for git processes that talk to the remote. */
  configure(): NodeJS.ProcessEnv {
    this.dir = fs.mkdtempSync(path.join(this.tempDir, 'hydrate-auth-'))
    const file = path.join(this.dir, 'auth.gitconfig')
    const origin = new URL(this.serverUrl).origin
    const content = `[http "${origin}/"]\n\textraheader =\n\textraheader = AUTHORIZATION: basic ${this.basicCredential}\n`
    fs.writeFileSync(file, content, { mode: 0o600 })
    return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'include.path', GIT_CONFIG_VALUE_0: file }
  }

  remove(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true })
    this.dir = undefined
  }
}
