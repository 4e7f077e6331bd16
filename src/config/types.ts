import type { SourceLocation } from '../errors.js'
import type { SourceType } from '../sources/kind.js'

export type { SourceType } from '../sources/kind.js'

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
  /** Argo CD's `helm.parameters`: `--set name=value` (`--set-string` when forceString). */
  parameters?: HelmParameter[]
  /** Argo CD's `helm.fileParameters`: `--set-file name=path` (repo-relative path). */
  fileParameters?: Array<{ name: string; path: string }>
  /** Argo CD's `helm.values`/`valuesObject` as YAML: a values file passed after `valueFiles`. */
  valuesYaml?: string
  /**
   * Argo CD Applications: where value files were looked for beyond `valueFiles` — the
   * directories a glob lists, files skipped as missing (ignoreMissingValueFiles). A change
   * there can change the value files, so the target depends on them.
   */
  valueFileLookups?: { directories: string[]; files: string[] }
}

export interface HelmParameter {
  name: string
  value: string
  forceString: boolean
}

export interface KustomizeOptions {
  enableHelm: boolean
  loadRestrictor: 'rootOnly' | 'none'
  /** Remote bases and charts (URLs, git::, github.com/…) may be fetched: off by default. */
  allowRemoteBases: boolean
  /** Files outside the repository may be read (never /proc, /sys, /dev): off by default. */
  allowOutsideReads: boolean
  /** Argo CD's kustomize options, applied to a scratch copy of the kustomization (docs/adr/0017). */
  edits?: KustomizeEdits
}

/** What Argo CD's repo-server does to a kustomization (`kustomize edit …`) before it builds it. */
export interface KustomizeEdits {
  namePrefix?: string
  nameSuffix?: string
  /** `kustomize edit set image` arguments: `name:tag`, `name=newName:tag`, `name@digest`. */
  images: string[]
  replicas: Array<{ name: string; count: number }>
  commonLabels: Record<string, string>
  forceCommonLabels: boolean
  /** Labels go to `labels:` without selectors (`--without-selector`). */
  labelWithoutSelector: boolean
  labelIncludeTemplates: boolean
  commonAnnotations: Record<string, string>
  forceCommonAnnotations: boolean
  namespace?: string
  /** Appended to the kustomization's `patches` as written in the Application. */
  patches: unknown[]
  /** Paths relative to the source directory, added to `components`. */
  components: string[]
}

/** Argo CD's `directory` source options: which files of a plain directory are read. */
export interface ArgoDirectoryOptions {
  recurse: boolean
  /** Argo CD's glob (`*` crosses `/`, `{a,b}` alternatives) on the path below the source. */
  include?: string
  exclude?: string
  /** Every file is a candidate, not only `*.yaml`/`*.yml`/`*.json`/`*.jsonnet` (Argo CD 3.5). */
  disableExtensionFilter?: boolean
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
  /** Argo CD directory semantics (Applications only): see ArgoDirectoryOptions. */
  directory?: ArgoDirectoryOptions
  /**
   * Argo CD's `sourceHydrator.hydrateTo.targetBranch`: the branch to hydrate to before
   * promotion to the sync branch. Loading makes it `branch` (the sync branch becomes
   * `environmentBranch`), as `promotion:` does (src/config/promotion.ts).
   */
  promotionBranch?: string
  /** Where the target was declared (the `targets[]` entry, or the Application manifest). */
  location: SourceLocation
  /**
   * With `promotion:` or hydrateTo, the environment branch Argo CD syncs from; `branch` is
   * then the promotion branch the target is hydrated into (docs/adr/0015, 0017).
   */
  environmentBranch?: string
  /**
   * The target whose rendered output declares this one's Application (app-of-apps): a change
   * to that target's inputs affects this one too (docs/adr/0017).
   */
  appOfApps?: string
  /** What declared it, when discovered from Argo CD manifests (e.g. `ApplicationSet apps (apps/web)`). */
  origin?: string
  /**
   * Repo-relative files besides the config that define the target (its Application or
   * ApplicationSet manifest, a git files generator's file): a change to one affects it.
   */
  definedBy?: string[]
  /**
   * Flux's postBuild variables (zero-config Flux): substituted into the rendered output as
   * Flux's kustomize-controller does (src/flux/substitute.ts).
   */
  fluxSubstitute?: Record<string, string>
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
  /**
   * mutable-image-tag's stricter mode: every image must be pinned by digest — everywhere
   * (true), or only in the environments listed (`[prod]`).
   */
  requireDigest?: boolean | readonly string[]
  /** Globs of YAML files with admission policies, bindings, parameters and CRDs. */
  files?: string[]
  /** Policies, bindings and CRDs in an environment's own output apply to it (default true). */
  fromOutput?: boolean
}

/** One environment of `promotion.order`, resolved. */
export interface PromotionEnvironment {
  env: string
  /** The environment branch (what Argo CD syncs, what the promotion PR merges into). */
  branch: string
  /** The promotion branch this environment is hydrated into (`promotion.branch`). */
  next: string
  /** Promoted at once: the environment branch is fast-forwarded in the same push. */
  autoMerge: boolean
}

/** `promotion:` (docs/promotion.md): hydrate into `-next` branches and promote in order. */
export interface PromotionSettings {
  /** In promotion order (by name when unordered). */
  environments: PromotionEnvironment[]
  /**
   * `promotion.order` was given: an environment is proposed once the one before it carries
   * the dry commit. False when only Argo CD's hydrateTo set promotion up (no order there).
   */
  ordered: boolean
  location: SourceLocation
}

export interface HydrateConfig {
  /** Absolute path of the repository root. */
  repoRoot: string
  /** Repo-relative path of the config file, or undefined for the zero-config default. */
  file?: string
  defaults: Defaults
  diff: DiffSettings
  policy: PolicySettings
  remote: RemoteSettings
  /** The targets to work on (after `--target` / the `targets` input). */
  targets: Target[]
  /** Every target of the config: what the branches should hold (ownership, prune). */
  allTargets: Target[]
  /** Progressive delivery; absent: targets are hydrated straight into their branches. */
  promotion?: PromotionSettings
  /** Argo CD discovery: what it read and what it skipped, and why. */
  argocd?: ArgoDiscoveryReport
  /** Flux discovery (zero config): what it skipped, and why. */
  flux?: FluxDiscoveryReport
  /**
   * A shard's config (docs/adr/0019): the names of `targets` before it was narrowed to the
   * shard's branches, in order, so that shard reports merge into the unsharded order.
   */
  unshardedOrder?: readonly string[]
}

/** `argocd:` in hydrate.yaml: where Application manifests are read. */
export interface ArgoDiscoverySettings {
  /** Repo-relative directories searched (recursively) for Applications and ApplicationSets. */
  paths: string[]
  /** More URLs that name this repository (besides its git remotes). */
  repoURLs: string[]
  /** `argocd.clusters`: clusters for `clusters` generators and destinations, besides Secrets. */
  clusters?: ArgoCluster[]
  /** The most Applications one ApplicationSet may generate (`limits.applications`). */
  applicationLimit?: number
}

/** An Argo CD cluster: from a cluster Secret of the repository or `argocd.clusters`. */
export interface ArgoCluster {
  name: string
  server: string
  project: string
  labels: Record<string, string>
  annotations: Record<string, string>
  location: SourceLocation
}

/** One Application or ApplicationSet discovery read, and what became of it. */
export interface ArgoConsidered {
  location: SourceLocation
  /** `Application web`, `ApplicationSet apps`, `Application web (output of root)`. */
  subject: string
  /** The targets it gave. */
  targets: string[]
  /** Why it, or an Application it generated, gave no target. */
  findings: ArgoFinding[]
  /** An app-of-apps child identical to an Application read before: that one is it. */
  sameAs?: SourceLocation
}

/** An Application (or generated one) not turned into a target, or not wholly. */
export interface ArgoFinding {
  location: SourceLocation
  /** `Application guestbook`, `ApplicationSet apps`. */
  subject: string
  /** skipped: not ours (another repository); unsupported: a feature we cannot render; invalid: malformed. */
  kind: 'skipped' | 'unsupported' | 'invalid'
  message: string
}

export interface ArgoDiscoveryReport {
  settings: ArgoDiscoverySettings
  /** Normalized URLs taken as this repository. */
  repoURLs: string[]
  findings: ArgoFinding[]
  /** Every Application and ApplicationSet read, in order, with its targets or findings. */
  considered: ArgoConsidered[]
  /** The clusters known (Secrets of the repository, then `argocd.clusters`). */
  clusters: ArgoCluster[]
}

export interface FluxDiscoveryReport {
  findings: ArgoFinding[]
}

/** `remote:` in hydrate.yaml: the hosts renders may fetch charts from (a PR's diff uses the base's). */
export interface RemoteSettings {
  /** URL prefixes (`https://charts.example.com`, `oci://ghcr.io/acme`); empty: no fetch. */
  allow: string[]
}

export const DEFAULT_REMOTE: RemoteSettings = { allow: [] }

export const DEFAULT_DIFF: DiffSettings = { context: 3, noise: true, ignore: [] }
export const DEFAULTS: Defaults = { branch: 'env/{env}', layout: 'manifest', prune: true }
export const ZERO_CONFIG_DISCOVER = 'environments/{env}'
