import fs from 'node:fs'
import path from 'node:path'

/** How a source directory renders. */
export type SourceType = 'helm' | 'kustomize' | 'directory'

/** The kustomization file of a directory, as kustomize looks for it. */
export function findKustomization(dir: string): string | undefined {
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].find(name =>
    fs.existsSync(path.join(dir, name))
  )
}

export function detectSourceType(dir: string): SourceType {
  if (findKustomization(dir)) return 'kustomize'
  if (fs.existsSync(path.join(dir, 'Chart.yaml'))) return 'helm'
  return 'directory'
}
