import { HydrateError } from '../errors.js'
import { SchemaError, type Check } from './schema.js'

/** A report file that is not what hydrate writes: nothing of it is read or shown. */
export class ReportSchemaError extends HydrateError {}

/** `data` checked against `schema`; a mismatch names the file and the field, never the value. */
export function checkReport<T>(schema: Check<T>, data: unknown, file: string, what: string): T {
  try {
    return schema(data, '')
  } catch (error) {
    if (error instanceof SchemaError)
      throw new ReportSchemaError(`${file} is not a ${what}: ${error.message}`)
    throw error
  }
}
