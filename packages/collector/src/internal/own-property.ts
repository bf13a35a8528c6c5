/**
 * Sets an own, enumerable property, even for names such as `__proto__` that a plain assignment
 * would turn into a prototype change. Header and cookie names come from the network.
 */
export function setOwn<TValue>(target: Record<string, TValue>, name: string, value: TValue): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[name] = value;
  }
}
