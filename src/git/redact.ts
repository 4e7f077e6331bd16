/** Removes user info from a URL so a token in a remote URL never reaches metadata or logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username || parsed.password) {
      parsed.username = ''
      parsed.password = ''
    }
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return url // scp-like (git@host:org/repo) or a path: no credentials to strip
  }
}

/** Every `scheme://user:pass@` in a text (git's own messages, ours) loses its user info. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, '$1***@')
}
