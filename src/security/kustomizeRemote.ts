/** Go's url.Parse lower-cases a scheme: `HTTP://` is remote too. */
const REMOTE =
  /^(https?:\/\/|git@|ssh:\/\/|git::|file:|github\.com[/:]|gitlab\.com\/|bitbucket\.org\/|oci:\/\/|gh:)/i

/**
 * Whether kustomize would fetch `reference` (when no such local path exists): a URL, git's
 * scp-like `user@host:path` with any user (git fetches it over ssh), `github.com/…`, and
 * `host.tld/…` with a `?ref=` or `//` as kustomize's older forms wrote them.
 */
export function isKustomizeRemote(reference: string): boolean {
  return (
    REMOTE.test(reference) ||
    /^[^@/:\s]+@[^/:\s]+:/.test(reference) ||
    /^[a-z0-9.-]+\.[a-z]{2,}\/.+(\?ref=|\/\/)/i.test(reference)
  )
}

/**
 * Where kustomize goes for a remote reference in a kustomization (`resources`, `components`,
 * …), as a URL `remote.allow` can judge. kustomize GETs an http(s) file, else clones with git
 * (api/internal/git/repospec.go): `git::` and `gh:` prefixes, `https://`, `http://`,
 * `ssh://`, scp-like `user@host:org/repo`, and `github.com/org/repo` without a scheme.
 * Undefined for what hydrate cannot place (`file://`, other schemes, an unparsable host):
 * such a reference is refused, never guessed at.
 */
export function kustomizeRemoteUrl(reference: string): string | undefined {
  let rest = reference.trim()
  if (/^git::/i.test(rest)) rest = rest.slice('git::'.length)
  if (/^gh:/i.test(rest)) return `https://github.com/${rest.slice('gh:'.length)}`
  if (/^(https?|ssh|oci):\/\//i.test(rest)) return rest
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return undefined // file://, ext::, …
  // scp-like syntax, as git reads it: a user, a host without `/`, then `:`.
  const scp = /^([^@/:\s]+)@([^/:[\]\s]+):(.*)$/.exec(rest)
  if (scp) return `ssh://${scp[1]}@${scp[2]}/${(scp[3] as string).replace(/^\/+/, '')}`
  // kustomize reads `github.com/…` and `github.com:…` as https://github.com/…; other
  // `host.tld/…` forms are counted remote by the dependency walk and judged as https.
  const github = /^github\.com[/:](.*)$/i.exec(rest)
  if (github) return `https://github.com/${github[1] as string}`
  if (/^[a-z0-9.-]+\.[a-z]{2,}\//i.test(rest)) return `https://${rest}`
  return undefined
}
