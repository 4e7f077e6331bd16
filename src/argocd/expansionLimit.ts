import { ConfigError } from '../errors.js'
import type { SourceLocation } from '../errors.js'
import { generatorParams, type GeneratorContext } from './applicationSet.js'
import { isObject } from './manifests.js'

/** An ApplicationSet that would generate more Applications than `limits.applications`. */
export class ExpansionLimitError extends ConfigError {}

/**
 * How many parameter sets a generator yields, counted without building them: a list its
 * elements, a matrix the product of its two, a merge its first; git generators are listed
 * (bounded by the repository's files). Malformed generators count 0: expansion reports them.
 */
export function generatorSize(generator: unknown, context: GeneratorContext): number {
  if (!isObject(generator)) return 0
  const [name] = Object.keys(generator).filter(k => k !== 'selector')
  const spec = name === undefined ? undefined : generator[name]
  if (!isObject(spec)) return 0
  const children = Array.isArray(spec.generators) ? spec.generators : []
  switch (name) {
    case 'list':
      return Array.isArray(spec.elements) ? spec.elements.length : 0
    case 'matrix':
      return children.reduce<number>((n, child) => n * generatorSize(child, context), 1)
    case 'merge':
      return children.length > 0 ? generatorSize(children[0], context) : 0
    case 'git':
      return generatorParams(generator, context).length
    default:
      return 0
  }
}

/** Throws, naming the file and the generator, when the generators would exceed `limit`. */
export function checkExpansion(
  generators: readonly unknown[],
  context: GeneratorContext,
  limit: number,
  subject: string,
  locate: (index: number) => SourceLocation
): void {
  let total = 0
  generators.forEach((generator, index) => {
    total += generatorSize(generator, context)
    if (total > limit)
      throw new ExpansionLimitError(
        locate(index),
        `${subject} would generate ${total} Applications, more than limits.applications allows (${limit}); nothing was expanded`
      )
  })
}
