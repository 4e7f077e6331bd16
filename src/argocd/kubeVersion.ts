import { invalid } from './applicationSource.js'

// repository.go's parseKubeVersion: k8s.io/apimachinery's version.ParseGeneric, printed back
// as its numbers only, so `v1.29.3-gke.100` reaches the tools as `1.29.3`.

const VERSION = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/s

/** The kube version Argo CD passes on, or undefined when none is set; an invalid one is refused. */
export function argoKubeVersion(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string')
    throw invalid(`${what} must be a string (quote it: "${String(value)}")`)
  const match = VERSION.exec(value)
  const components = match?.[1]?.split('.') ?? []
  if (components.length < 2)
    throw invalid(`${what}: could not parse Kubernetes version ${JSON.stringify(value)}`)
  if (components[0] !== '0' && components[0]?.startsWith('0'))
    throw invalid(`${what}: illegal zero-prefixed version component in ${JSON.stringify(value)}`)
  return components.map(c => BigInt(c).toString()).join('.')
}
