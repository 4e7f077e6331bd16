/** DNS-1123 subdomain: what most kinds require of metadata.name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** A name the API server accepts for most kinds (and for an Argo CD Application). */
export function isDnsSubdomainName(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name)
}
