import { TemplateExecError, TemplateRefusedError } from './errors.js'
import type { ArgNode, CommandNode, Node, PipeNode } from './nodes.js'
import { nodeString } from './nodes.js'
import { type GoFunc, PARAM_TYPE_NAMES, type ParamType } from './funcs.js'
import { type Final, MISSING, State } from './state.js'
import { chargeArguments, chargeResult } from './callCost.js'
import { GoInt, type GoValue, goType, isMap, isTrue } from './values.js'

// Pipelines, commands, fields, variables and function calls (exec.go's eval functions), with
// Go's argument checks (evalArg, validateType) and error texts.

export abstract class Evaluator extends State {
  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe)
    let value: Final = MISSING
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value)
      // An interface{} holding nil is no value at all once a command is done.
      if (value === null) value = undefined
    }
    const result = value === MISSING ? undefined : value
    for (const variable of pipe.decl) {
      const name = variable.ident[0] as string
      if (pipe.isAssign) {
        const found = [...this.vars].reverse().find(v => v.name === name)
        if (!found) this.errorf(`undefined variable: ${name}`)
        else found.value = result
      } else this.vars.push({ name, value: result })
    }
    return result
  }

  protected notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`)
  }

  protected evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    this.step()
    const first = cmd.args[0] as ArgNode
    switch (first.type) {
      case 'field':
        this.at(first)
        return this.evalFieldChain(dot, dot, this.dotIface, first, first.ident, cmd.args, final)
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final)
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final)
      case 'pipe':
        this.notAFunction(cmd.args, final)
        return this.evalPipeline(dot, first)
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final)
    }
    this.at(first)
    this.notAFunction(cmd.args, final)
    switch (first.type) {
      case 'bool':
        return first.value
      case 'dot':
        return dot
      case 'nil':
        return this.errorf('nil is not a command')
      case 'number':
        return this.idealConstant(first)
      case 'string':
        return first.text
    }
  }

  idealConstant(node: Extract<ArgNode, { type: 'number' }>): GoValue {
    this.at(node)
    const hexInt = /^[+-]?0[xX]/.test(node.text) && !/[pP]/.test(node.text)
    if (node.isFloat && !hexInt && !node.text.startsWith("'") && /[.eEpP]/.test(node.text))
      return node.float as number
    if (node.isInt) return node.int as bigint
    return this.errorf(`${node.text} overflows int`)
  }

  protected evalChain(
    dot: GoValue,
    chain: Extract<ArgNode, { type: 'chain' }>,
    args: ArgNode[],
    final: Final
  ): GoValue {
    this.at(chain)
    if (chain.node.type === 'nil')
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`)
    const receiver = this.evalArg(dot, undefined, chain.node)
    return this.evalFieldChain(dot, receiver, false, chain, chain.field, args, final)
  }

  protected evalVariable(
    dot: GoValue,
    node: Extract<ArgNode, { type: 'variable' }>,
    args: ArgNode[],
    final: Final
  ): GoValue {
    this.at(node)
    const name = node.ident[0] as string
    const found = [...this.vars].reverse().find(v => v.name === name)
    if (!found) return this.errorf(`undefined variable: ${name}`)
    if (node.ident.length === 1) {
      this.notAFunction(args, final)
      return found.value
    }
    return this.evalFieldChain(dot, found.value, false, node, node.ident.slice(1), args, final)
  }

  protected evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    receiverIface: boolean,
    node: Node,
    ident: string[],
    args: ArgNode[],
    final: Final
  ): GoValue {
    let value = receiver
    let iface = receiverIface
    ident.forEach((name, i) => {
      const last = i === ident.length - 1
      value = this.evalField(name, node, last ? args : [], last ? final : MISSING, value, iface)
      iface = true
    })
    return value
  }

  protected evalField(
    name: string,
    node: Node,
    args: ArgNode[],
    final: Final,
    receiver: GoValue,
    iface: boolean
  ): GoValue {
    if (receiver === undefined) {
      if (this.options.missingKey === 'error')
        this.errorf(`nil data; no entry for key ${JSON.stringify(name)}`)
      return undefined
    }
    const type = iface ? 'interface {}' : goType(receiver)
    if (receiver === null) return this.errorf(`nil pointer evaluating ${type}.${name}`)
    if (isMap(receiver) && goType(receiver).startsWith('map[string]')) {
      if (args.length > 1 || final !== MISSING)
        this.errorf(`${name} is not a method but has arguments`)
      if (Object.hasOwn(receiver, name)) return receiver[name]
      switch (this.options.missingKey) {
        case 'error':
          return this.errorf(`map has no entry for key ${JSON.stringify(name)}`)
        case 'zero':
          return goType(receiver) === 'map[string]string' ? '' : null
        default:
          return undefined
      }
    }
    return this.errorf(`can't evaluate field ${name} in type ${type}`)
  }

  protected evalFunction(
    dot: GoValue,
    node: Extract<ArgNode, { type: 'identifier' }>,
    cmd: Node,
    args: ArgNode[],
    final: Final
  ): GoValue {
    this.at(node)
    const name = node.ident
    const refusal = this.options.refusal(name)
    if (refusal !== undefined) throw new TemplateRefusedError(refusal)
    const fn = this.options.funcs.get(name)
    if (!fn) return this.errorf(`${JSON.stringify(name)} is not a defined function`)
    return this.evalCall(dot, fn, cmd, name, args, final)
  }

  protected evalCall(
    dot: GoValue,
    fn: GoFunc,
    node: Node,
    name: string,
    allArgs: ArgNode[],
    final: Final
  ): GoValue {
    const args = allArgs.slice(1)
    const numIn = args.length + (final === MISSING ? 0 : 1)
    let numFixed = args.length
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length
      if (numIn < numFixed)
        this.errorf(
          `wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`
        )
    } else if (numIn !== fn.params.length)
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`)
    if (name === 'and' || name === 'or') {
      let value: GoValue
      for (const arg of args) {
        value = this.evalArg(dot, 'reflect', arg)
        if (isTrue(value) === (name === 'or')) return value
      }
      if (final !== MISSING) value = final
      return value
    }
    const argv: GoValue[] = []
    let i = 0
    for (; i < numFixed && i < args.length; i++)
      argv.push(this.evalArg(dot, fn.params[i], args[i] as ArgNode))
    if (fn.variadic !== undefined)
      for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i] as ArgNode))
    if (final !== MISSING) {
      const type = i < fn.params.length ? fn.params[i] : fn.variadic
      argv.push(this.validateType(final, type))
    }
    try {
      chargeArguments(name, argv)
      const result = fn.fn(...argv)
      chargeResult(result)
      return result
    } catch (error) {
      if (error instanceof TemplateRefusedError || error instanceof TemplateExecError) throw error
      this.at(node)
      return this.errorf(
        `error calling ${name}: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }

  protected validateType(value: GoValue, type: ParamType | undefined): GoValue {
    if (type === undefined) return value
    if (value === undefined) {
      if (type === 'reflect') return undefined
      if (['any', 'map', 'slice', 'strings'].includes(type)) return null
      return this.errorf(`invalid value; expected ${PARAM_TYPE_NAMES[type]}`)
    }
    if (type === 'any' || type === 'reflect') return value
    if (value === null && ['map', 'slice', 'strings'].includes(type)) return value
    if (assignable(value, type)) return value
    return this.errorf(
      `wrong type for value; expected ${PARAM_TYPE_NAMES[type]}; got ${goType(value)}`
    )
  }

  evalArg(dot: GoValue, type: ParamType | undefined, node: ArgNode): GoValue {
    this.at(node)
    switch (node.type) {
      case 'dot':
        return this.validateType(dot, type)
      case 'nil':
        if (type === 'reflect') return undefined
        if (type === undefined || ['any', 'map', 'slice', 'strings'].includes(type)) return null
        return this.errorf(`cannot assign nil to ${PARAM_TYPE_NAMES[type]}`)
      case 'field':
        return this.validateType(
          this.evalFieldChain(dot, dot, this.dotIface, node, node.ident, [node], MISSING),
          type
        )
      case 'variable':
        return this.validateType(this.evalVariable(dot, node, [], MISSING), type)
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, node), type)
      case 'identifier':
        return this.validateType(this.evalFunction(dot, node, node, [node], MISSING), type)
      case 'chain':
        return this.validateType(this.evalChain(dot, node, [], MISSING), type)
    }
    const found = nodeString(node)
    switch (type) {
      case 'bool':
        return node.type === 'bool' ? node.value : this.errorf(`expected bool; found ${found}`)
      case 'string':
        return node.type === 'string' ? node.text : this.errorf(`expected string; found ${found}`)
      case 'int':
      case 'int64':
        if (node.type === 'number' && node.isInt)
          return type === 'int' ? (node.int as bigint) : new GoInt('int64', node.int as bigint)
        return this.errorf(`expected integer; found ${found}`)
      case 'float64':
        if (node.type === 'number' && node.isFloat) return node.float as number
        return this.errorf(`expected float; found ${found}`)
      case 'any':
      case 'reflect':
      case undefined:
        if (node.type === 'bool') return node.value
        if (node.type === 'string') return node.text
        return this.idealConstant(node)
    }
    return this.errorf(`can't handle ${found} for arg of type ${PARAM_TYPE_NAMES[type]}`)
  }
}

function assignable(value: GoValue, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'int':
      return typeof value === 'bigint'
    case 'int64':
      return value instanceof GoInt && value.type === 'int64'
    case 'float64':
      return typeof value === 'number'
    case 'bool':
      return typeof value === 'boolean'
    default:
      return goType(value) === PARAM_TYPE_NAMES[type]
  }
}
