/**
 * The environment every child process gets: an allow-list, never the runner's whole
 * environment. A pull request's chart or kustomization runs inside helm/kustomize, so
 * anything they can read (`/proc/self/environ`, error text) must hold no credential.
 */

/** Who the process is: git may also see GIT_* / SSH_* settings (auth include, ssh command). */
export type ProcessPurpose = 'render' | 'git'

const EXACT = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR'
])

const PREFIXES: Record<ProcessPurpose, readonly string[]> = {
  render: ['LC_', 'HELM_', 'KUSTOMIZE_'],
  git: ['LC_', 'GIT_', 'SSH_']
}

/** Names that hold credentials whatever their prefix: never passed on. */
const CREDENTIAL_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH/i

export function isAllowed(name: string, purpose: ProcessPurpose): boolean {
  if (name.startsWith('INPUT_') || name.startsWith('ACTIONS_') || name.startsWith('GITHUB_'))
    return false
  if (CREDENTIAL_NAME.test(name)) return false
  return EXACT.has(name) || PREFIXES[purpose].some(prefix => name.startsWith(prefix))
}

/** The allow-listed subset of `base`, plus `extra` (set by us, e.g. the git auth include). */
export function childEnvironment(
  base: NodeJS.ProcessEnv,
  purpose: ProcessPurpose,
  extra: NodeJS.ProcessEnv = {}
): NodeJS.ProcessEnv {
  // No prototype: spawn copies inherited properties into the child's environment too.
  const env: NodeJS.ProcessEnv = Object.create(null) as NodeJS.ProcessEnv
  // Names first: reading a value of process.env is a call into the runtime, once per spawn.
  for (const name of Object.keys(base)) {
    if (!isAllowed(name, purpose)) continue
    const value = base[name]
    if (value !== undefined) env[name] = value
  }
  return Object.assign(env, extra)
}
