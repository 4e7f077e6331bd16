import type { Credential } from './credentials.js'

/**
 * A signing key's text as credentials for the output guard: the whole key and each line of
 * its body, so a part of it in a log or on a branch is caught as surely as all of it.
 */
export function signingKeyCredentials(keyText: string): Credential[] {
  const name = 'signing key'
  const lines = keyText
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= 16 && !line.startsWith('-----') && !line.includes(':'))
  return [{ name, value: keyText.trim() }, ...lines.map(value => ({ name, value }))]
}
