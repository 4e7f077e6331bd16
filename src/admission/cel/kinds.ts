import { celFunc, celMethod, CelScalar, mapType, type CelFunc, type CelType } from '@bufbuild/cel'
import { kindOf, type ValueKind } from './values.js'

export const { BOOL, INT, STRING, DOUBLE, DYN } = CelScalar
export const MAP = mapType(DYN, DYN)

type Impl = (this: never, ...args: never[]) => unknown

/**
 * A method of one kind of library value (a marker map): it declines (undefined) other
 * targets, so one name (`isGreaterThan`) serves quantities and semvers alike.
 */
export function kindMethod(
  kind: ValueKind,
  name: string,
  args: readonly CelType[],
  result: CelType,
  impl: Impl
): CelFunc {
  const base = celMethod(name, MAP, args as CelType[], result, impl as never)
  return Object.create(base, {
    id: { value: `${kind}.${name}(${args.map(arg => arg.name).join(',')})` },
    call: {
      value(id: number, target: unknown, values: unknown[]) {
        return kindOf(target) === kind ? base.call(id, target as never, values as never) : undefined
      }
    }
  }) as CelFunc
}

export function func(name: string, args: readonly CelType[], result: CelType, impl: Impl): CelFunc {
  return celFunc(name, args as CelType[], result, impl as never)
}

export function method(
  name: string,
  target: CelType,
  args: readonly CelType[],
  result: CelType,
  impl: Impl
): CelFunc {
  return celMethod(name, target, args as CelType[], result, impl as never)
}
