import { TemplateParseError } from './errors.js'
import { LIMITS, nesting, refuseOver } from './limits.js'
import { Cursor, tokenString } from './cursor.js'
import { byteLength, lex, type Token } from './lexer.js'
import {
  type ArgNode,
  type CommandNode,
  type ListNode,
  type Node,
  nodeText,
  type NumberNode,
  type PipeNode
} from './nodes.js'
import { parseNumber } from './number.js'
import { unquoteGo } from './unquote.js'

// A port of Go's text/template/parse parser (parse.go): the same tree, the same checks and
// the same error texts (`template: base:1: function "foo" not defined`).

export interface ParsedTemplate {
  name: string
  root: ListNode
  /** `define` and `block` templates by name. */
  defines: Map<string, ListNode>
}

/** Tokens that start a command. */
const OPERAND_START = new Set<string>(
  'bool charConstant dot field identifier number rawString string variable leftParen'.split(' ')
)

type Marker = { type: 'end' | 'else'; pos: number; line: number; elseKeyword?: string }

export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean
): ParsedTemplate {
  refuseOver('text size (bytes)', byteLength(text), LIMITS.textBytes)
  const tokens = lex(name, text)
  const cursor = new Cursor(tokens)
  const { peek, next, backup, nextNonSpace, peekNonSpace } = cursor
  let vars = ['$']
  let rangeDepth = 0
  const nest = nesting()
  const defines = new Map<string, ListNode>()

  let errorLine = 1
  const fail = (message: string): never => {
    throw new TemplateParseError(`template: ${name}:${errorLine}: ${message}`)
  }
  const unexpected = (token: Token, context: string): never => {
    errorLine = token.line
    return fail(`unexpected ${tokenString(token)} in ${context}`)
  }
  const expect = (type: Token['type'], context: string) => {
    const token = nextNonSpace()
    if (token.type !== type) unexpected(token, context)
    return token
  }
  const keyword = (token: Token, word: string) => token.type === 'keyword' && token.value === word

  function itemList(): { list: ListNode; end: Marker } {
    const list: ListNode = { type: 'list', pos: peekNonSpace().pos, nodes: [] }
    while (peekNonSpace().type !== 'eof') {
      const node = textOrAction()
      if (node.type === 'end' || node.type === 'else') return { list, end: node as Marker }
      list.nodes.push(node as Node)
    }
    return fail('unexpected EOF')
  }

  function textOrAction(): Node | Marker {
    const token = nextNonSpace()
    if (token.type === 'text') return { type: 'text', pos: token.pos, text: token.value }
    if (token.type === 'leftDelim') {
      errorLine = token.line
      return action()
    }
    if (token.type === 'comment') return { type: 'comment', pos: token.pos, line: token.line }
    return unexpected(token, 'input')
  }

  function action(): Node | Marker {
    const token = nextNonSpace()
    if (token.type === 'comment') {
      expect('rightDelim', 'comment')
      return { type: 'comment', pos: token.pos, line: token.line }
    }
    if (token.type === 'keyword') {
      switch (token.value) {
        case 'block':
          return blockControl()
        case 'break':
        case 'continue': {
          const after = nextNonSpace()
          if (after.type !== 'rightDelim') unexpected(after, `{{${token.value}}}`)
          if (rangeDepth === 0) fail(`{{${token.value}}} outside {{range}}`)
          return { type: token.value, pos: token.pos, line: token.line }
        }
        case 'else': {
          const after = peekNonSpace()
          if (keyword(after, 'if') || keyword(after, 'with'))
            return { type: 'else', pos: after.pos, line: after.line, elseKeyword: after.value }
          const close = expect('rightDelim', 'else')
          return { type: 'else', pos: close.pos, line: close.line }
        }
        case 'end':
          return { type: 'end', pos: expect('rightDelim', 'end').pos, line: token.line }
        case 'if':
        case 'range':
        case 'with':
          return control(token.value)
        case 'template':
          return templateControl()
      }
    }
    backup()
    const first = peek()
    return {
      type: 'action',
      pos: first.pos,
      line: first.line,
      pipe: pipeline('command', 'rightDelim')
    }
  }

  function control(context: 'if' | 'range' | 'with'): Node {
    return nest(() => controlBody(context))
  }
  function controlBody(context: 'if' | 'range' | 'with'): Node {
    const mark = vars.length
    const pipe = pipeline(context, 'rightDelim')
    if (context === 'range') rangeDepth++
    const { list, end } = itemList()
    if (context === 'range') rangeDepth--
    let elseList: ListNode | undefined
    if (end.type === 'else') {
      // `{{else if}}` and `{{else with}}` nest a new branch in the else list.
      if (end.elseKeyword !== undefined && end.elseKeyword === context) {
        next()
        elseList = { type: 'list', pos: end.pos, nodes: [control(context)] }
      } else {
        const rest = itemList()
        if (rest.end.type !== 'end') fail(`expected end; found {{else}}`)
        elseList = rest.list
      }
    }
    vars = vars.slice(0, mark)
    return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList }
  }
  function templateName(token: Token, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') unexpected(token, context)
    return unquote(token)
  }

  function templateControl(): Node {
    const token = nextNonSpace()
    const templateNameText = templateName(token, 'template clause')
    let pipe: PipeNode | undefined
    if (nextNonSpace().type !== 'rightDelim') {
      backup()
      pipe = pipeline('template clause', 'rightDelim')
    }
    return { type: 'template', pos: token.pos, line: token.line, name: templateNameText, pipe }
  }

  function blockControl(): Node {
    const token = nextNonSpace()
    const blockName = templateName(token, 'block clause')
    const pipe = pipeline('block clause', 'rightDelim')
    const saved = vars
    vars = ['$']
    const { list, end } = itemList()
    vars = saved
    if (end.type !== 'end') fail('unexpected {{else}} in block clause')
    defines.set(blockName, list)
    return { type: 'template', pos: token.pos, line: token.line, name: blockName, pipe }
  }

  function definition(): void {
    const token = nextNonSpace()
    const defineName = templateName(token, 'define clause')
    expect('rightDelim', 'define clause')
    const saved = vars
    vars = ['$']
    const { list, end } = itemList()
    vars = saved
    if (end.type !== 'end') fail('unexpected {{else}} in define clause')
    defines.set(defineName, list)
  }

  function pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    return nest(() => pipelineBody(context, end))
  }
  function pipelineBody(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const first = peekNonSpace()
    const pipe: PipeNode = {
      type: 'pipe',
      pos: first.pos,
      line: first.line,
      isAssign: false,
      decl: [],
      cmds: []
    }
    decls: for (;;) {
      const v = peekNonSpace()
      if (v.type !== 'variable') break
      nextNonSpace()
      const after = peek()
      const following = peekNonSpace()
      const variable = { type: 'variable' as const, pos: v.pos, ident: [v.value] }
      if (following.type === 'assign' || following.type === 'declare') {
        pipe.isAssign = following.type === 'assign'
        nextNonSpace()
        pipe.decl.push(variable)
        vars.push(v.value)
      } else if (following.type === 'char' && following.value === ',') {
        nextNonSpace()
        pipe.decl.push(variable)
        vars.push(v.value)
        if (context === 'range' && pipe.decl.length < 2) {
          const t = peekNonSpace().type
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue decls
          fail('range can only initialize variables')
        }
        fail(`too many declarations in ${context}`)
      } else if (after.type === 'space') {
        cursor.index -= 2
      } else {
        cursor.index -= 1
      }
      break
    }
    for (;;) {
      const token = nextNonSpace()
      if (token.type === end) {
        if (pipe.cmds.length === 0) fail(`missing value for ${context}`)
        pipe.cmds.slice(1).forEach((cmd, i) => {
          const t = cmd.args[0]?.type
          if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string')
            fail(`non executable command in pipeline stage ${i + 2}`)
        })
        return pipe
      }
      if (OPERAND_START.has(token.type) || keyword(token, 'nil')) {
        backup()
        pipe.cmds.push(command())
      } else unexpected(token, context)
    }
  }

  function command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: peekNonSpace().pos, args: [] }
    for (;;) {
      peekNonSpace()
      const node = operand()
      if (node) cmd.args.push(node)
      const token = next()
      if (token.type === 'space') continue
      if (token.type === 'rightDelim' || token.type === 'rightParen') backup()
      else if (token.type !== 'pipe') unexpected(token, 'operand')
      break
    }
    if (cmd.args.length === 0) fail('empty command')
    return cmd
  }

  function operand(): ArgNode | undefined {
    const node = term()
    if (!node || peek().type !== 'field') return node
    const fields: string[] = []
    const pos = peek().pos
    while (peek().type === 'field') fields.push(next().value.slice(1))
    switch (node.type) {
      case 'field':
        return { type: 'field', pos, ident: [...node.ident, ...fields] }
      case 'variable':
        return { type: 'variable', pos, ident: [...node.ident, ...fields] }
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return fail(`unexpected . after term ${JSON.stringify(nodeText(node))}`)
      default:
        return { type: 'chain', pos, node, field: fields }
    }
  }

  function term(): ArgNode | undefined {
    const token = nextNonSpace()
    switch (token.type) {
      case 'identifier':
        if (!hasFunction(token.value)) fail(`function ${JSON.stringify(token.value)} not defined`)
        return { type: 'identifier', pos: token.pos, ident: token.value }
      case 'dot':
        return { type: 'dot', pos: token.pos }
      case 'variable': {
        const ident = token.value.split('.')
        if (!vars.includes(ident[0] as string))
          fail(`undefined variable ${JSON.stringify(ident[0])}`)
        return { type: 'variable', pos: token.pos, ident }
      }
      case 'field':
        return { type: 'field', pos: token.pos, ident: [token.value.slice(1)] }
      case 'bool':
        return { type: 'bool', pos: token.pos, value: token.value === 'true' }
      case 'charConstant':
      case 'number':
        return numberNode(token)
      case 'leftParen':
        return pipeline('parenthesized pipeline', 'rightParen')
      case 'string':
      case 'rawString':
        return { type: 'string', pos: token.pos, quoted: token.value, text: unquote(token) }
      case 'keyword':
        if (token.value === 'nil') return { type: 'nil', pos: token.pos }
    }
    backup()
    return undefined
  }

  const unquote = (token: Token): string => unquoteGo(token.value) ?? fail('invalid syntax')

  function numberNode(token: Token): NumberNode {
    const node =
      parseNumber(token.value) ?? fail(`illegal number syntax: ${JSON.stringify(token.value)}`)
    return { ...node, pos: token.pos }
  }

  // The top level: text, actions and `define`s.
  const root: ListNode = { type: 'list', pos: peek().pos, nodes: [] }
  while (peek().type !== 'eof') {
    if (peek().type === 'leftDelim') {
      const delim = next()
      if (keyword(nextNonSpace(), 'define')) {
        errorLine = delim.line
        definition()
        continue
      }
      cursor.index = tokens.indexOf(delim)
    }
    const node = textOrAction()
    if (node.type === 'end' || node.type === 'else') fail(`unexpected {{${node.type}}}`)
    root.nodes.push(node as Node)
  }
  return { name, root, defines }
}
