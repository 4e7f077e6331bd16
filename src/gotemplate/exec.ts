import { TemplateRefusedError } from './errors.js'
import { Evaluator } from './eval.js'
import { withBudget } from './budget.js'
import { walkValue } from './valueWalk.js'
import { LIMITS } from './limits.js'
import type { ListNode, Node, RangeNode } from './nodes.js'
import { nodeString } from './nodes.js'
import type { ParsedTemplate } from './parse.js'
import { printV } from './format.js'
import type { ExecOptions } from './state.js'
import { byteLength } from './lexer.js'
import { GoInt, type GoValue, isMap, isTrue, sortedKeys } from './values.js'

export type { ExecOptions, MissingKey } from './state.js'

// A port of Go's text/template executor (exec.go): the walk over text, actions, if, with,
// range (break, continue, else), template and block. Each step counts against limits.ts.

class Break {}
class Continue {}

export function execute(
  parsed: ParsedTemplate,
  text: string,
  data: GoValue,
  options: ExecOptions
): string {
  const walker = new Walker(parsed, text, options)
  return withBudget(walker.budget, () => walker.run(data))
}
class Walker extends Evaluator {
  private out: string[] = []
  private outBytes = 0
  private depth = 0

  run(data: GoValue): string {
    this.vars = [{ name: '$', value: data }]
    this.walk(data, this.parsed.root)
    return this.out.join('')
  }
  private write(text: string): void {
    this.outBytes += byteLength(text)
    if (this.outBytes > LIMITS.outputBytes)
      throw new TemplateRefusedError(
        `template output is over ${LIMITS.outputBytes} bytes (hydrate's bound for a template from a pull request)`
      )
    this.out.push(text)
  }

  private walk(dot: GoValue, node: Node): void {
    this.step()
    this.at(node)
    switch (node.type) {
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe)
        if (node.pipe.decl.length === 0) {
          this.at(node)
          walkValue(value)
          this.write(value === undefined ? '<no value>' : printV(value))
        }
        return
      }
      case 'break':
        throw new Break()
      case 'continue':
        throw new Continue()
      case 'comment':
        return
      case 'if':
      case 'with': {
        const mark = this.vars.length
        const value = this.evalPipeline(dot, node.pipe)
        if (isTrue(value))
          this.walkScoped(
            node.type === 'with' ? value : dot,
            node.list,
            node.type === 'with' ? false : this.dotIface
          )
        else if (node.elseList) this.walk(dot, node.elseList)
        this.vars.length = mark
        return
      }
      case 'list':
        for (const child of node.nodes) this.walk(dot, child)
        return
      case 'range':
        return this.walkRange(dot, node)
      case 'template':
        return this.walkTemplate(dot, node)
      case 'text':
        this.write(node.text)
        return
      default:
        this.errorf(`unknown node: ${nodeString(node)}`)
    }
  }

  private walkScoped(dot: GoValue, list: ListNode, dotIface: boolean): void {
    const saved = this.dotIface
    this.dotIface = dotIface
    try {
      this.walk(dot, list)
    } finally {
      this.dotIface = saved
    }
  }

  private walkRange(dot: GoValue, node: RangeNode): void {
    this.at(node)
    const mark = this.vars.length
    const value = this.evalPipeline(dot, node.pipe)
    const inner = this.vars.length
    const decl = node.pipe.decl.length
    let iterated = false
    const one = (key: GoValue, element: GoValue): boolean => {
      iterated = true
      if (decl > 0) (this.vars[inner - 1] as { value: GoValue }).value = element
      if (decl > 1) (this.vars[inner - 2] as { value: GoValue }).value = key
      try {
        this.walkScoped(element, node.list, true)
      } catch (signal) {
        if (signal instanceof Break) return false
        if (!(signal instanceof Continue)) throw signal
      } finally {
        this.vars.length = inner
      }
      return true
    }
    try {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!one(BigInt(i), value[i])) break
      } else if (isMap(value)) {
        for (const key of sortedKeys(value)) if (!one(key, value[key])) break
      } else if (typeof value === 'bigint' || value instanceof GoInt) {
        const n = typeof value === 'bigint' ? value : value.value
        if (decl > 1)
          this.errorf(`can't use ${printV(value)} to iterate over more than one variable`)
        for (let i = 0n; i < n; i++)
          if (!one(i, typeof value === 'bigint' ? i : new GoInt(value.type, i))) break
      } else if (value !== undefined && value !== null) {
        this.errorf(`range can't iterate over ${printV(value)}`)
      }
      if (!iterated && node.elseList) this.walk(dot, node.elseList)
    } finally {
      this.vars.length = mark
    }
  }

  private walkTemplate(dot: GoValue, node: Extract<Node, { type: 'template' }>): void {
    this.at(node)
    const list = this.parsed.defines.get(node.name)
    if (!list) this.errorf(`template ${JSON.stringify(node.name)} not defined`)
    if (this.depth >= LIMITS.depth)
      throw new TemplateRefusedError(
        `template calls nest deeper than ${LIMITS.depth} (Go allows 100000; hydrate bounds a template from a pull request)`
      )
    const value = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined
    const saved = { vars: this.vars, name: this.name, dotIface: this.dotIface }
    this.vars = [{ name: '$', value }]
    this.name = node.name
    this.dotIface = false
    this.depth++
    try {
      this.walk(value, list as ListNode)
    } finally {
      this.depth--
      Object.assign(this, saved)
    }
  }
}
