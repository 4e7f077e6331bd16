import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { UsageError } from '../errors.js'
import { runProcess } from '../process/run.js'

export type SigningFormat = 'ssh' | 'openpgp'

const SSH_KEY = /-----BEGIN (?:OPENSSH|RSA|EC|DSA) PRIVATE KEY-----/
const PGP_KEY = /-----BEGIN PGP PRIVATE KEY BLOCK-----/

/** The format of a private key's text, or undefined when it is neither an SSH nor a PGP key. */
export function signingFormatOf(keyText: string): SigningFormat | undefined {
  if (SSH_KEY.test(keyText)) return 'ssh'
  if (PGP_KEY.test(keyText)) return 'openpgp'
  return undefined
}

/** The key's format; a usage error, before anything is rendered, for any other text. */
export function checkSigningKey(keyText: string): SigningFormat {
  const format = signingFormatOf(keyText)
  if (!format)
    throw new UsageError(
      'the signing key is neither an SSH private key (-----BEGIN OPENSSH PRIVATE KEY-----) nor an armored PGP private key (-----BEGIN PGP PRIVATE KEY BLOCK-----)'
    )
  return format
}

/**
 * Signs the commits a push makes, with git's own signing (`commit-tree -S`): an SSH key
 * (`gpg.format ssh`, a private key file) or a PGP key (imported into a keyring of its
 * own). The key lives in a private temporary folder for the run and is removed by
 * `dispose`; it is given to git processes only, never to a render.
 */
export class CommitSigner {
  private constructor(
    readonly format: SigningFormat,
    private readonly dir: string,
    private readonly signingKey: string
  ) {}

  /** Prepares `keyText` (the private key, unencrypted) for signing; `root` holds the temp folder. */
  static async create(keyText: string, root: string = os.tmpdir()): Promise<CommitSigner> {
    const format = checkSigningKey(keyText)
    const dir = fs.mkdtempSync(path.join(root, 'hydrate-signing-'))
    fs.chmodSync(dir, 0o700)
    try {
      if (format === 'ssh') {
        const file = path.join(dir, 'key')
        fs.writeFileSync(file, keyText.endsWith('\n') ? keyText : `${keyText}\n`, { mode: 0o600 })
        return new CommitSigner(format, dir, file)
      }
      return new CommitSigner(format, dir, await importPgpKey(dir, keyText))
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw error
    }
  }

  /** `-c` settings for `git commit-tree -S`. */
  gitConfig(): string[] {
    return ['-c', `gpg.format=${this.format}`, '-c', `user.signingKey=${this.signingKey}`]
  }

  /** The environment git's signing program needs (the PGP keyring). */
  gitEnv(): NodeJS.ProcessEnv {
    return this.format === 'openpgp' ? { GNUPGHOME: this.dir } : {}
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Imports an armored secret key into a keyring in `dir`; returns its fingerprint. */
async function importPgpKey(dir: string, keyText: string): Promise<string> {
  const env = { GNUPGHOME: dir }
  const gpg = (args: string[], input?: string) =>
    runProcess('gpg', ['--batch', '--no-tty', ...args], {
      purpose: 'git',
      extraEnv: env,
      input,
      timeoutMs: 60_000
    })
  const imported = await gpg(['--import'], keyText)
  if (imported.exitCode !== 0)
    throw new UsageError(
      'gpg could not import the signing key (a PGP key without a passphrase is expected)'
    )
  const listing = await gpg(['--with-colons', '--list-secret-keys'])
  const fingerprint = /^fpr:+([0-9A-F]{40,64}):/m.exec(listing.stdout)?.[1]
  if (!fingerprint) throw new UsageError('the PGP signing key holds no secret key')
  return fingerprint
}
