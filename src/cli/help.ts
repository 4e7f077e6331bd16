/** The CLI's help texts (docs/cli.md); each command's shows only the options it takes. */

const COMMON_OPTIONS = `  -C DIR              Repository to read (default: the current directory)
  --config F          Config file (default: hydrate.yaml at the repo root, else the
                      zero-config layout environments/{env} -> env/{env})
  --target GLOB       Only targets whose name matches (repeatable)
  --concurrency N     Parallel renders (default: number of CPUs + 1)
  --timeout SECONDS   Per render process (default: 300)
  --fail-on LEVEL     Policy findings that fail the run: error (default), warning, never
                      (a push is always blocked by error findings)
  -v, --verbose       Debug output
  -h, --help          This help`

const DIFF_HELP = `Usage: hydrate diff [-C DIR] [--config F] --base REF [--head REF] [--format markdown|json] [--out FILE] [--remote NAME|URL] [--full] [--target GLOB]...

Render the base (the merge-base of REF and the head, from a temporary worktree) and the
head, and print what changes in each environment, resource by resource. Secret values are
masked. The repository is not modified. Exits 1 when a policy finding at the --fail-on
level (default: error) or above is found, after writing the report.

Options:
  --base REF          The branch or commit the change goes into (e.g. origin/main)
  --head REF          The change (default: the working tree at HEAD)
  --format F          markdown (default) or json
  --out FILE          Write the report to FILE instead of standard output
  --remote NAME       Where to fetch a missing base from (default: origin)
  --full              Render every target (default: only those whose inputs changed)
  --shard I/N         Only shard I of the plan's N: the targets of its branches (with --plan)
  --plan FILE         The plan hydrate plan printed (every shard uses the same one)
${COMMON_OPTIONS}
`

const VERIFY_HELP = `Usage: hydrate verify [-C DIR] [--config F] [--remote NAME|URL] [--branch B]... [--format text|json] [--out FILE] [--repair [--prune-stray]] [--tools-from recorded|path]

Re-render every path this config owns on each environment branch at the dry commit the
branch records, and compare bytes. Each problem is named: edited (the masked diff, and who
committed it), stray, missing, stale (the dry branch moved on and no hydration followed),
toolchain skew (the tools on PATH differ from the recorded ones, and that alone changes the
output), inconsistent (notes, metadata and state file disagree). Exit 0 when every branch
verifies, 1 on drift.

Options:
  --remote NAME       The repository holding the environment branches (default: origin)
  --branch B          Only this branch (repeatable; default: every branch the config writes)
  --format F          text (default) or json
  --out FILE          Write the report to FILE instead of standard output
  --repair            Re-hydrate edited and missing paths from their recorded dry commit
                      (one commit per branch, one atomic push; only paths this config owns)
  --prune-stray       With --repair: remove the stray files too
  --tools-from T      recorded (default: toolchain skew is reported, not drift) or path
                      (the tools on PATH are the reference: skew is drift)
  --committer-name N  The repair commits' committer (with --committer-email)
  --committer-email E The repair commits' committer email
${COMMON_OPTIONS}
`

const POLICY_HELP = `Usage: hydrate policy test [-C DIR] [--config F] [--format text|json] FILE...

Evaluate the configured policies (policy.files in hydrate.yaml) and the policies, bindings,
parameters and CRDs in FILE... on every object of FILE... (ValidatingAdmissionPolicies,
Kyverno ValidatingPolicies, CRD schemas; docs/policies.md). Exit 1 when a finding fails
--fail-on (default error: a Deny).

Options:
  --format F          text (default) or json
${COMMON_OPTIONS}
`

export const HELP = {
  verify: VERIFY_HELP,
  policy: POLICY_HELP,
  diff: DIFF_HELP,
  targets: `Usage: hydrate targets [-C DIR] [--config F] [--target GLOB]... [--format text|json]

List the targets — from hydrate.yaml, the zero-config default, or the repository's Argo CD
Applications and ApplicationSets — with their environment, branch and path, and the file:line
each was declared at; then the Argo CD objects that give no target, and why. Nothing renders.

Options:
  --format F          text (default) or json
${COMMON_OPTIONS}
`,
  render: `Usage: hydrate render [-C DIR] [--config F] [--out DIR] [--target GLOB]...

Render every target and write the environment-branch layouts to OUT/<branch>/
(for env/dev: OUT/env/dev/<path>/manifest.yaml). The repository is not modified.

Options:
  --out DIR           Output directory (default: $TMPDIR/hydrate/<repo name>)
${COMMON_OPTIONS}
`,
  push: `Usage: hydrate push [-C DIR] [--config F] [--remote NAME|URL] [--dry-run] [--full] [--target GLOB]...

Render every target and commit the result to the environment branches of the remote,
one commit per branch, without checking anything out, then push all branches and the
hydrator notes in one atomic push. Nothing is pushed if any target fails to render.
Refuses (exit 1, no branch touched) when this commit does not descend from every dry commit
the branches record: a stale branch or an old checkout would roll the environments back.

Options:
  --remote NAME       Remote name or URL holding the environment branches (default: origin)
  --dry-run           Print what would change per branch; commit and push nothing
  --full              Render every target (default: only those affected since the dry
                      commit each branch records; the others keep their output)
  --committer-name N  Committer of the hydrated commits (default: git config user.name)
  --committer-email E Committer email (default: git config user.email)
  --shard I/N         Only shard I of the plan's N: its branches (with --plan); promotion is
                      left to the report job
  --plan FILE         The plan hydrate plan printed (every shard uses the same one)
  --report FILE       With --shard: write the shard's push report (for hydrate report merge)
  --allow-rollback    Hydrate this commit even so: roll the branches back to it on purpose
  --signing-key FILE  Sign every commit with this private key: SSH (gpg.format ssh) or an
                      armored PGP key, without a passphrase (docs/provenance.md)
  --provenance FILE   Write an in-toto statement (SLSA provenance v1) of what was pushed:
                      every manifest on the branches written, with its sha256
${COMMON_OPTIONS}
`,
  images: `Usage: hydrate images [-C DIR] [--config F] [--from branches|render] [--remote NAME|URL] [--format text|json] [--target GLOB]...

List every container image each environment runs — containers, init and ephemeral
containers of Pods, workload templates, Jobs and CronJobs — with its tag and digest, per
environment, target, resource and container.

Options:
  --from WHERE        branches: the environment branches Argo CD syncs (default);
                      render: a render of the working tree
  --remote NAME       Remote name or URL holding the environment branches (default: origin)
  --format text|json  Output format (default: text)
${COMMON_OPTIONS}
`,
  plan: `Usage: hydrate plan --shards N [-C DIR] [--config F] [--remote NAME|URL] [--target GLOB]...

Split the targets into N shards for a GitHub Actions matrix and print the matrix as JSON
({"include":[{"shard":"1/N","branches":[...],...}]}). A branch is never split (with
promotion:, a promotion branch goes with its environment branch), so every shard's push is
atomic and shards never race on a branch. Shards are balanced by each target's last render
time (noted on the branches), else by target count; the same commit, N and history give the
same plan. Fewer branch groups than N give fewer shards.

Options:
  --shards N          How many shards (matrix jobs)
  --remote NAME       Remote holding the environment branches (default: origin)
${COMMON_OPTIONS}
`,
  report: `Usage: hydrate report merge [--plan FILE] [--format markdown|json] [--out FILE] REPORT|DIR...

Merge the shard reports (hydrate diff --shard ... --format json, or hydrate push --shard ...
--report) into one: the report an unsharded run writes, but for timings. Directories are
searched for *.json (downloaded artifacts). A shard with no report fails the merge, naming it;
a report of another plan is refused.

Options:
  --plan FILE         Check the reports against this plan (default: they must agree)
  --format F          markdown (default) or json (diff reports)
  --out FILE          Write the merged report to FILE instead of standard output
${COMMON_OPTIONS}
`,
  doctor: `Usage: hydrate doctor [-C DIR]

Show which helm and kustomize (standalone or kubectl kustomize) a render here would run,
their versions and where they were found (HELM_BIN, KUSTOMIZE_BIN, KUBECTL_BIN, PATH), and
what is wrong with them. Exits 1 when a tool is missing or unusable.

Options:
${COMMON_OPTIONS}
`
}

export const USAGE = `hydrate — the rendered manifests pattern for GitOps

Usage:
  hydrate render [-C DIR] [--config F] [--out DIR] [--target GLOB]...
  hydrate diff   [-C DIR] [--config F] --base REF [--head REF] [--format markdown|json]
                 [--out FILE] [--remote NAME|URL] [--full] [--target GLOB]...
  hydrate push   [-C DIR] [--config F] [--remote NAME|URL] [--dry-run] [--full]
                 [--committer-name N --committer-email E] [--allow-rollback]
                 [--signing-key FILE] [--provenance FILE] [--target GLOB]...
  hydrate targets [-C DIR] [--config F] [--target GLOB]... [--format text|json]
  hydrate images [-C DIR] [--config F] [--from branches|render] [--format text|json]
  hydrate plan   --shards N [-C DIR] [--config F] [--remote NAME|URL] [--target GLOB]...
  hydrate report merge [--plan FILE] [--format markdown|json] [--out FILE] REPORT|DIR...
  hydrate verify [-C DIR] [--config F] [--remote NAME|URL] [--branch B]... [--format text|json]
                 [--out FILE] [--repair [--prune-stray]] [--tools-from recorded|path]
  hydrate policy test [--format text|json] FILE...
  hydrate doctor [-C DIR]
  hydrate --version

  diff, push:    [--shard I/N --plan FILE]   (push: [--report FILE])
  render, diff, push: [--concurrency N] [--timeout SECONDS] [--fail-on error|warning|never]
  every command: [-v]

Commands:
  render   Write the environment-branch layouts to a directory
  diff     Show the rendered diff between a base and a head, per environment
  push     Commit them to the environment branches and push (one atomic push)
  targets  List the targets and where each was declared (for debugging discovery)
  images   List the container images each environment runs (tag and digest)
  plan     Split the targets into N shards by branch: a GitHub Actions matrix
  report   Merge the shard reports into one (report merge)
  verify   Prove each environment branch equal to a re-render of what it records
  policy   Evaluate the configured admission policies on manifests (policy test)
  doctor   Show which helm and kustomize would run, and what is wrong with them

Run \`hydrate <command> --help\` for the options.
Exit codes:
  0  success
  1  a render or push failed; diff and report merge found policy findings at the --fail-on
     level; push refused a rollback; doctor found a tool missing or unusable;
     verify found drift; policy test found a failing finding
  2  usage or configuration error (a bad flag, hydrate.yaml, -C not a git repository)
`

export type Command = keyof typeof HELP
