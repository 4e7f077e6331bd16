import type { SourceLocation } from '../errors.js'

export type SourceType = 'helm' | 'kustomize' | 'directory'
export type Layout = 'manifest' | 'resources'

export interface HelmOptions {
  releaseName?: string
  namespace?: string
  /** Repo-relative paths. */
  valueFiles: string[]
  values?: Record<string, unknown>
  includeCRDs: boolean
  skipTests: boolean
  kubeVersion?: string
  apiVersions: string[]
  /** Remote chart: an HTTP(S) chart repository URL (with `chart` and `version`). */
  repo?: string
  /** Remote chart name in `repo`, or a full `oci://` reference. */
  chart?: string
  version?: string
  /** Talk plain HTTP to an OCI registry (local or in-cluster registries). */
  plainHttp: boolean
}

export interface KustomizeOptions {
  enableHelm: boolean
  loadRestrictor: 'rootOnly' | 'none'
  /** Remote bases and charts (URLs, git::, github.com/…) may be fetched: off by default. */
  allowRemoteBases: boolean
  /** Files outside the repository may be read (never /proc, /sys, /dev): off by default. */
  allowOutsideReads: boolean
}

/** A fully resolved target: one app in one environment, written to one branch path. */
export interface Target {
  name: string
  env: string
  type: SourceType
  /** Repo-relative source directory, POSIX separators; undefined for a remote chart. */
  source?: string
  /** Output directory inside the branch. */
  path: string
  branch: string
  layout: Layout
  prune: boolean
  allowSecrets: boolean
  helm?: HelmOptions
  kustomize?: KustomizeOptions
  policy?: PolicySettings
  /** Where the target was declared (the `targets[]` entry). */
  location: SourceLocation
}

export interface Defaults {
  branch: string
  layout: Layout
  prune: boolean
}

/** One `diff.ignore` rule (Argo CD ignoreDifferences style). Unset selectors match anything. */
export interface IgnoreRule {
  group?: string
  kind?: string
  name?: string
  namespace?: string
  /** RFC 6901 pointers of the fields to ignore. */
  jsonPointers: string[]
}

export interface DiffSettings {
  /** Lines of context in unified diffs. */
  context: number
  /** The default noise rules (helm.sh/chart labels, checksum/* annotations). */
  noise: boolean
  ignore: IgnoreRule[]
}

export const POLICY_RULES = [
  'plaintext-secret',
  'mutable-image-tag',
  'duplicate-resource',
  'invalid-resource',
  'schema',
  // Risk signals: they compare base and head, so only a diff checks them (src/risk).
  'immutable-field',
  'storage-resize',
  'destructive-deletion',
  'rbac-escalation',
  'removed-api'
] as const
export type PolicyRuleId = (typeof POLICY_RULES)[number]
export type RuleSetting = 'error' | 'warning' | 'off'

/** `policy:` at the top level or on a target; a target's settings override the global ones. */
export interface PolicySettings {
  rules: Partial<Record<PolicyRuleId, RuleSetting>>
  /** mutable-image-tag's stricter mode: every image must be pinned by digest. */
  requireDigest?: boolean
}

export interface HydrateConfig {
  /** Absolute path of the repository root. */
  repoRoot: string
  /** Repo-relative path of the config file, or undefined for the zero-config default. */
  file?: string
  defaults: Defaults
  diff: DiffSettings
  policy: PolicySettings
  /** The targets to work on (after `--target` / the `targets` input). */
  targets: Target[]
  /** Every target of the config: what the branches should hold (ownership, prune). */
  allTargets: Target[]
}

export const DEFAULT_DIFF: DiffSettings = { context: 3, noise: true, ignore: [] }
export const DEFAULTS: Defaults = { branch: 'env/{env}', layout: 'manifest', prune: true }
export const ZERO_CONFIG_DISCOVER = 'environments/{env}'
