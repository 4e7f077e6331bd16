import { HydrateError } from '../errors.js'
import { base64Runs, findInBase64Layers } from './base64Layers.js'

/** A credential of this run: what it is called (never its value) and its value. */
export interface Credential {
  name: string
  value: string
}

/** Variables the runner fills with credentials, checked whatever their value looks like. */
const KNOWN = [
  'INPUT_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_CACHE_URL_TOKEN'
]
const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY)$/i

/** Values this short are not credentials (flags like INPUT_SOME_TOKEN=true). */
const MIN_LENGTH = 8

/** The credentials in an environment: the runner's tokens and any *_TOKEN/*_SECRET variable. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv): Credential[] {
  const found: Credential[] = []
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_LENGTH) continue
    if (KNOWN.includes(name) || CREDENTIAL_NAME.test(name)) found.push({ name, value })
  }
  return found
}

/** The user info of a URL (`https://x-access-token:TOKEN@host/…`), as credentials. */
export function credentialsInUrl(url: string, name: string): Credential[] {
  try {
    const { username, password } = new URL(url)
    return [username, password]
      .map(decodeURIComponent)
      .filter(value => value.length >= MIN_LENGTH)
      .map(value => ({ name, value }))
  } catch {
    return []
  }
}

/**
 * The credentials actions/checkout (or anyone) persisted in git config as an
 * `http.<url>.extraheader` (`AUTHORIZATION: basic base64(user:token)` or `bearer token`):
 * `git config --get-regexp` output in, credentials out.
 */
export function credentialsInExtraHeaders(configListing: string): Credential[] {
  const found: Credential[] = []
  for (const line of configListing.split('\n')) {
    const match = /extraheader\s+authorization:\s*(basic|bearer)\s+(\S+)/i.exec(line)
    if (!match) continue
    const [, scheme, value] = match as unknown as [string, string, string]
    const name = 'the token in git config (http.extraheader)'
    found.push({ name, value })
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      found.push({ name, value: decoded })
      const password = decoded.slice(decoded.indexOf(':') + 1)
      if (password.length >= MIN_LENGTH) found.push({ name, value: password })
    }
  }
  return found.filter(c => c.value.length >= MIN_LENGTH)
}

/**
 * Every base64 text that can hold `secret` somewhere inside: the secret starts at byte
 * offset 0, 1 or 2 of a 3-byte group, so three encodings, each trimmed of the characters
 * that also depend on the bytes around it.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms: string[] = []
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes])
    let encoded = padded.toString('base64').replace(/=+$/, '')
    if (padded.length % 3 !== 0) encoded = encoded.slice(0, -1)
    const lead = [0, 2, 3][offset] as number
    forms.push(encoded.slice(lead))
  }
  return forms.filter(form => form.length >= MIN_LENGTH)
}

/** What a check reports when a text's base64 layers cost too much to decode: it fails closed. */
const TOO_DEEP = 'credentials (base64 nested too deeply to check)'

/** Raised when text about to leave the run holds a credential. It names the credential, never the value. */
export class CredentialLeakError extends HydrateError {
  constructor(
    readonly where: string,
    readonly credential: string
  ) {
    super(
      `${where} contains the run's ${credential} (or a base64 form of it); it was not written. A rendered input echoes the runner's credentials: check the pull request's charts and kustomizations.`
    )
  }
}

/**
 * Checks every text that leaves the run (comment, summary, report files, outputs, commits,
 * log lines) against the run's credentials, plain and base64 at any depth. Output fails closed: a hit
 * throws and nothing is written. Log lines are redacted and the hit remembered, so the run
 * still fails at its end.
 */
export class CredentialGuard {
  private readonly needles: Array<{ name: string; text: string }> = []
  private leaked?: string

  constructor(credentials: readonly Credential[]) {
    const seen = new Set<string>()
    for (const { name, value } of credentials) {
      const hex = Buffer.from(value, 'utf8').toString('hex')
      for (const text of [value, ...base64Forms(value), hex, hex.toUpperCase()]) {
        if (seen.has(text)) continue
        seen.add(text)
        this.needles.push({ name, text })
      }
    }
    this.needles.sort((a, b) => b.text.length - a.text.length)
  }

  /** The name of the first credential found in `text` as it is. */
  private findPlain(text: string): string | undefined {
    return this.needles.find(needle => text.includes(needle.text))?.name
  }

  /** The name of the first credential found in `text`, plain or base64-encoded at any depth. */
  find(text: string): string | undefined {
    if (this.needles.length === 0) return undefined
    const found = findInBase64Layers(text, layer => this.findPlain(layer))
    return found === 'budget' ? TOO_DEEP : found
  }

  /** Throws when `text` holds a credential; returns it unchanged otherwise. */
  check<T extends string>(text: T, where: string): T {
    const name = this.find(text)
    if (name) {
      this.leaked ??= `${where}: ${name}`
      throw new CredentialLeakError(where, name)
    }
    return text
  }

  /**
   * `text` with every credential replaced (a base64 run that decodes to one, as a whole),
   * remembering that one was there.
   */
  redact(text: string, where: string): string {
    let result = text
    for (const needle of this.needles) {
      if (!result.includes(needle.text)) continue
      this.leaked ??= `${where}: ${needle.name}`
      result = result.split(needle.text).join(`<redacted ${needle.name}>`)
    }
    if (this.needles.length === 0) return result
    const runs = base64Runs(result).reverse()
    for (const { index, length, run } of runs) {
      const name = this.find(run)
      if (name === undefined) continue
      this.leaked ??= `${where}: ${name}`
      result = `${result.slice(0, index)}<redacted ${name}>${result.slice(index + length)}`
    }
    return result
  }

  /** Where the first credential was caught, when one was. */
  get leak(): string | undefined {
    return this.leaked
  }
}
