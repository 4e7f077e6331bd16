import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js'
import { STEP_FUNCTION } from './budget.js'
import { OPT_FIELD, OPT_INDEX } from './syntax.js'

export const OPT_SELECT_FUNCTION = '@optional.select'
export const OPT_INDEX_FUNCTION = '@optional.index'

let nextId = 1n << 40n

function node(exprKind: Expr['exprKind']): Expr {
  return { $typeName: 'cel.expr.Expr', id: nextId++, exprKind } as Expr
}

function call(fn: string, args: Expr[]): Expr {
  return node({
    case: 'callExpr',
    value: { $typeName: 'cel.expr.Expr.Call', function: fn, args } as never
  })
}

function str(value: string): Expr {
  return node({
    case: 'constExpr',
    value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'stringValue', value } } as never
  })
}

/**
 * Rewrites a parsed expression in place for this runtime: each comprehension's condition
 * first takes a budget step; optional selections and indexes become calls of the optional
 * library; `cel.bind(x, init, body)` becomes the comprehension cel-go makes of it.
 */
export function instrument(expr: Expr): Expr {
  const kind = expr.exprKind
  switch (kind.case) {
    case 'selectExpr': {
      const select = kind.value
      if (select.operand) select.operand = instrument(select.operand)
      if (select.field.startsWith(OPT_FIELD) && select.operand)
        return call(OPT_SELECT_FUNCTION, [
          select.operand,
          str(select.field.slice(OPT_FIELD.length))
        ])
      return expr
    }
    case 'callExpr': {
      const c = kind.value
      if (c.target) c.target = instrument(c.target)
      c.args = c.args.map(instrument)
      const bound = bindMacro(c)
      if (bound) return bound
      const key = c.args[1]?.exprKind
      if (c.function === '_[_]' && key?.case === 'callExpr' && key.value.function === OPT_INDEX)
        return call(OPT_INDEX_FUNCTION, [c.args[0]!, key.value.args[0]!])
      return expr
    }
    case 'listExpr':
      kind.value.elements = kind.value.elements.map(instrument)
      return expr
    case 'structExpr':
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') entry.keyKind.value = instrument(entry.keyKind.value)
        if (entry.value) entry.value = instrument(entry.value)
      }
      return expr
    case 'comprehensionExpr': {
      const loop = kind.value
      for (const field of ['iterRange', 'accuInit', 'loopCondition', 'loopStep', 'result'] as const)
        if (loop[field]) loop[field] = instrument(loop[field])
      loop.loopCondition = call('_&&_', [
        call(STEP_FUNCTION, []),
        loop.loopCondition ?? constTrue()
      ])
      return expr
    }
    default:
      return expr
  }
}

function constTrue(): Expr {
  return node({
    case: 'constExpr',
    value: {
      $typeName: 'cel.expr.Constant',
      constantKind: { case: 'boolValue', value: true }
    } as never
  })
}

function bindMacro(c: { target?: Expr; function: string; args: Expr[] }): Expr | undefined {
  const target = c.target?.exprKind
  if (c.function !== 'bind' || target?.case !== 'identExpr' || target.value.name !== 'cel') return
  const [variable, init, body] = c.args
  if (variable?.exprKind.case !== 'identExpr' || !init || !body) return
  return node({
    case: 'comprehensionExpr',
    value: {
      $typeName: 'cel.expr.Expr.Comprehension',
      iterVar: '#unused',
      iterVar2: '',
      iterRange: node({
        case: 'listExpr',
        value: { $typeName: 'cel.expr.Expr.CreateList', elements: [], optionalIndices: [] } as never
      }),
      accuVar: variable.exprKind.value.name,
      accuInit: init,
      loopCondition: call('_&&_', [call(STEP_FUNCTION, []), constTrue()]),
      loopStep: node({
        case: 'identExpr',
        value: { $typeName: 'cel.expr.Expr.Ident', name: variable.exprKind.value.name } as never
      }),
      result: body
    } as never
  })
}
