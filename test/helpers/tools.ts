import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const ROOT = path.resolve(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  '..',
  '..'
)
export const TOOLS = path.join(ROOT, '.tools')
export const HELM3 = path.join(TOOLS, 'helm3', 'helm')
export const HELM4 = path.join(TOOLS, 'helm4', 'helm')
export const KUBECTL = path.join(TOOLS, 'kubectl', 'kubectl')
/** kubectl 1.35.2: kustomize 5.7.1, which cannot drive helm 4 for helmCharts. */
export const KUBECTL_KUSTOMIZE_57 = path.join(TOOLS, 'kubectl-kustomize-5.7', 'kubectl')
export const KUSTOMIZE_VERSION = '5.8.1'
export const HELM_VERSIONS = [
  { label: 'helm 3', bin: HELM3, version: '3.18.0' },
  { label: 'helm 4', bin: HELM4, version: '4.2.3' }
] as const
export const KUSTOMIZE_VERSIONS = [
  { label: 'kustomize 5.7', bin: KUBECTL_KUSTOMIZE_57, version: '5.7.1' },
  { label: 'kustomize 5.8', bin: KUBECTL, version: KUSTOMIZE_VERSION }
] as const

/** The chart cache of this test process: never the user's ~/.cache/hydrate/charts. */
const TEST_CHART_CACHE = path.join(os.tmpdir(), `hydrate-test-charts-${process.pid}`)

/** Environment for the engine and for direct tool runs: our toolchain first on PATH. */
export function toolEnv(helmBin: string = HELM4): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.join(TOOLS, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    HELM_BIN: helmBin,
    KUBECTL_BIN: KUBECTL,
    HYDRATE_CHART_CACHE: TEST_CHART_CACHE
  }
}

/** Wrappers that log every helm and kubectl run, to count render processes. */
export function countingTools(helmBin: string = HELM4): {
  env: NodeJS.ProcessEnv
  count: () => number
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-count-'))
  const log = path.join(dir, 'runs.log')
  for (const [name, real] of <Array<[string, string]>>[
    ['helm', helmBin],
    ['kubectl', path.join(ROOT, '.tools', 'kubectl', 'kubectl')]
  ]) {
    fs.writeFileSync(
      path.join(dir, name),
      `#!/bin/sh\ncase "$1" in version) ;; *) echo "${name} $*" >> "${log}" ;; esac\nexec "${real}" "$@"\n`,
      { mode: 0o755 }
    )
  }
  return {
    env: { ...toolEnv(), HELM_BIN: path.join(dir, 'helm'), KUBECTL_BIN: path.join(dir, 'kubectl') },
    count: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter(l => / (template|kustomize) /.test(l)).length
        : 0
  }
}
