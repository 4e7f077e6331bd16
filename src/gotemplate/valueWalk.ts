import { charge } from './budget.js'
import { TemplateRefusedError } from './errors.js'
import { LIMITS } from './limits.js'
import { GoInt, type GoValue } from './values.js'

// The sizes and walks of template values the work budget charges.

/** Shallow size of a value: string length, list length or map key count. */
export function sizeOf(value: GoValue): number {
  if (typeof value === 'string') return value.length
  if (Array.isArray(value)) return value.length * LIMITS.elementWeight
  if (typeof value === 'object' && value !== null && !(value instanceof GoInt))
    return Object.keys(value).length * LIMITS.elementWeight
  return 0
}

/**
 * Visits every node of a value before something walks it (copy, compare, merge, encode,
 * print): each node visited is charged, so shared structure cannot multiply the work, and a
 * value that contains itself, or nests past the bound, is refused before any recursion.
 */
export function walkValue(root: GoValue): void {
  const path = new Set<object>()
  const stack: { node: object; children: GoValue[]; next: number }[] = []
  const enter = (value: GoValue): void => {
    charge(1)
    if (typeof value !== 'object' || value === null || value instanceof GoInt) return
    if (path.has(value))
      throw new TemplateRefusedError(
        'template value contains itself (a cycle, as `set $d "k" $d` makes): hydrate refuses to walk it'
      )
    if (stack.length >= LIMITS.valueDepth)
      throw new TemplateRefusedError(
        `template value nests deeper than ${LIMITS.valueDepth} (hydrate's bound for a template from a pull request)`
      )
    path.add(value)
    stack.push({
      node: value,
      children: Array.isArray(value) ? value : Object.values(value),
      next: 0
    })
  }
  enter(root)
  for (let top = stack.at(-1); top; top = stack.at(-1)) {
    if (top.next < top.children.length) enter(top.children[top.next++])
    else {
      stack.pop()
      path.delete(top.node)
    }
  }
}
