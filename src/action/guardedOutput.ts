import fs from 'node:fs'
import * as core from '@actions/core'
import type { CredentialGuard } from '../security/credentials.js'

/**
 * Everything the action hands to the runner — outputs, the job summary, report files —
 * passes the credential guard first: a hit throws and nothing of it is written.
 */
export class GuardedOutput {
  constructor(readonly guard: CredentialGuard) {}

  set(name: string, value: string): void {
    core.setOutput(name, this.guard.check(value, `the ${name} output`))
  }

  file(file: string, text: string, what: string): void {
    fs.writeFileSync(file, this.guard.check(text, what))
  }

  /** Writes what has been added to core.summary (the builder's buffer), once checked. */
  async summary(): Promise<void> {
    this.guard.check(core.summary.stringify(), 'the job summary')
    await core.summary.write()
  }
}
