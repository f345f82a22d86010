// What the bundle gives dbus-next in place of xml2js. dbus-next loads xml2js (with xmlbuilder and sax, about
// 40 modules) when it loads, for two things this program never does: reading another service's introspection
// XML (getProxyObject; we call methods by name) and describing objects it exports (we export none). Loading
// them cost every run about 12 ms (measured in bench/apply.ts's rig: `node` + dbus-next + reading
// NetworkManager, 233.9 → 218.4 ms median of 12). Should anyone introspect the daemon's connection, dbus-next
// describes a node with no objects, and this answers exactly what xml2js answers for it.

const NOT_BUNDLED = "xml2js is not in this build: mptcp-policy neither exports D-Bus objects nor parses introspection XML";

export class Builder {
  buildObject(description: unknown): string {
    if (isEmptyNode(description)) return "<node/>";
    throw new Error(NOT_BUNDLED);
  }
}

export class Parser {
  parseString(): never {
    throw new Error(NOT_BUNDLED);
  }
}

/** `{ node: { node: [] } }`: what dbus-next's introspection builds for a path when nothing is exported. */
function isEmptyNode(description: unknown): boolean {
  if (typeof description !== "object" || description === null) return false;
  const node = (description as { node?: unknown }).node;
  if (typeof node !== "object" || node === null) return false;
  const keys = Object.keys(node);
  const children = (node as { node?: unknown }).node;
  return keys.length === 1 && Array.isArray(children) && children.length === 0;
}
