import type { PolicySettings } from '../config/types.js'

/**
 * Whether `mutable-image-tag` wants digests for a target in `env`: the target's own
 * `requireDigest`, else the global one; a list names the environments that require them.
 */
export function digestRequired(
  global: PolicySettings,
  local: PolicySettings | undefined,
  env: string
): boolean {
  const setting = local?.requireDigest ?? global.requireDigest ?? false
  return typeof setting === 'boolean' ? setting : setting.includes(env)
}
