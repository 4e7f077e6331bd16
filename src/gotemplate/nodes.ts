// The parse tree of Go's text/template/parse (node.go), with Go's String() of each node: exec
// errors quote it (`executing "base" at <.a.b>`).

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | { type: 'break' | 'continue'; pos: number; line: number }
  | { type: 'comment'; pos: number; line: number }
  | PipeNode
  | CommandNode
  | ArgNode

export type ArgNode =
  | { type: 'identifier'; pos: number; ident: string }
  | { type: 'variable'; pos: number; ident: string[] }
  | { type: 'field'; pos: number; ident: string[] }
  | ChainNode
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | NumberNode
  | { type: 'string'; pos: number; quoted: string; text: string }
  | PipeNode

export interface NumberNode {
  type: 'number'
  pos: number
  text: string
  isInt: boolean
  isFloat: boolean
  int?: bigint
  float?: number
}
export interface ChainNode {
  type: 'chain'
  pos: number
  node: ArgNode
  field: string[]
}
export interface ListNode {
  type: 'list'
  pos: number
  nodes: Node[]
}
export interface TextNode {
  type: 'text'
  pos: number
  text: string
}
export interface PipeNode {
  type: 'pipe'
  pos: number
  line: number
  isAssign: boolean
  decl: { type: 'variable'; pos: number; ident: string[] }[]
  cmds: CommandNode[]
}
export interface CommandNode {
  type: 'command'
  pos: number
  args: ArgNode[]
}
export interface ActionNode {
  type: 'action'
  pos: number
  line: number
  pipe: PipeNode
}
export interface BranchNode {
  pos: number
  line: number
  pipe: PipeNode
  list: ListNode
  elseList?: ListNode
}
export interface IfNode extends BranchNode {
  type: 'if'
}
export interface RangeNode extends BranchNode {
  type: 'range'
}
export interface WithNode extends BranchNode {
  type: 'with'
}
export interface TemplateNode {
  type: 'template'
  pos: number
  line: number
  name: string
  pipe?: PipeNode
}

/** The text of a constant term, for `unexpected . after term`. */
export function nodeText(node: ArgNode): string {
  switch (node.type) {
    case 'bool':
      return String(node.value)
    case 'string':
      return node.quoted
    case 'number':
      return node.text
    case 'nil':
      return 'nil'
    default:
      return '.'
  }
}

/** Go's node.String(). */
export function nodeString(node: Node): string {
  switch (node.type) {
    case 'list':
      return node.nodes.map(nodeString).join('')
    case 'text':
      return goQuoteText(node.text)
    case 'action':
      return `{{${nodeString(node.pipe)}}}`
    case 'if':
    case 'range':
    case 'with':
      return `{{${node.type} ${nodeString(node.pipe)}}}${nodeString(node.list)}${
        node.elseList ? `{{else}}${nodeString(node.elseList)}` : ''
      }{{end}}`
    case 'template':
      return `{{template ${JSON.stringify(node.name)}${node.pipe ? ` ${nodeString(node.pipe)}` : ''}}}`
    case 'break':
      return '{{break}}'
    case 'continue':
      return '{{continue}}'
    case 'comment':
      return ''
    case 'pipe': {
      const decl = node.decl.length
        ? `${node.decl.map(v => v.ident.join('.')).join(', ')} ${node.isAssign ? '=' : ':='} `
        : ''
      return decl + node.cmds.map(nodeString).join(' | ')
    }
    case 'command':
      return node.args
        .map(a => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a)))
        .join(' ')
    case 'identifier':
      return node.ident
    case 'variable':
      return node.ident.join('.')
    case 'field':
      return node.ident.map(i => `.${i}`).join('')
    case 'chain':
      return (
        (node.node.type === 'pipe' ? `(${nodeString(node.node)})` : nodeString(node.node)) +
        node.field.map(f => `.${f}`).join('')
      )
    case 'dot':
      return '.'
    case 'nil':
      return 'nil'
    case 'bool':
      return String(node.value)
    case 'number':
      return node.text
    case 'string':
      return node.quoted
  }
}

/** Go's %q of text, the form a TextNode prints in. */
function goQuoteText(text: string): string {
  return JSON.stringify(text)
}
