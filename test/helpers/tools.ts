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
export const HELM_VERSIONS = [
  { label: 'helm 3', bin: HELM3, version: '3.18.0' },
  { label: 'helm 4', bin: HELM4, version: '4.1.4' }
] as const

/** Environment for the engine and for direct tool runs: our toolchain first on PATH. */
export function toolEnv(helmBin: string = HELM4): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.join(TOOLS, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    HELM_BIN: helmBin,
    KUBECTL_BIN: KUBECTL
  }
}
