import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { substituteOutput, SubstitutionError } from '../flux/substitute.js'
import type { RawRender } from './types.js'

/**
 * Flux's post-build step on a render: the Kustomization's variables substituted object by
 * object. The recorded commands say so without the values (they may come from a Secret).
 */
export function withFluxSubstitution(
  target: Target,
  raw: RawRender,
  variables: Record<string, string>
): RawRender {
  const vars = new Map(Object.entries(variables))
  try {
    return {
      ...raw,
      text: substituteOutput(raw.text, vars),
      ...(raw.sources
        ? {
            sources: raw.sources.map(source => ({
              ...source,
              text: substituteOutput(source.text, vars)
            }))
          }
        : {}),
      commands: [
        ...raw.commands,
        `# then Flux's post-build substitution (flux envsubst) of ${[...vars.keys()].sort().join(', ')}`
      ]
    }
  } catch (error) {
    if (error instanceof SubstitutionError) throw new RenderError(target.name, error.message)
    throw error
  }
}
