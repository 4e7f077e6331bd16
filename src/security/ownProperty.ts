// Keys that come from a pull request (`__proto__`, `constructor`) are data, never the object's
// prototype: written as own properties and read only when the object owns them. A plain
// `out[key] = value` with key `__proto__` replaces out's prototype, and a read of
// `dst['__proto__']` followed by writes into it pollutes Object.prototype for the whole process
// (and so the environment of every process it starts).

/** `object[key] = value`, as an own, enumerable property whatever the key. */
export function setOwn<T>(object: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true
  })
}

/** `object[key]` when the object itself has the key; undefined otherwise. */
export function getOwn<T>(object: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined
}
