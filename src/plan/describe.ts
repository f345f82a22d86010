import type { Operation, Reason, RouteEntry, RuleEntry } from "../model/types.js";

/** A one-line account of an operation for plan output and logs, e.g. "wan0 (rule wired): add endpoint 10.1.1.2 subflow". */
export function describeOperation(op: Operation): string {
  switch (op.op) {
    case "limits-set":
      return `set limits subflows ${op.limits.subflows} add_addr_accepted ${op.limits.addAddrAccepted} (${op.reason})`;
    case "endpoint-add": {
      const { address, id, flags, dev, port } = op.endpoint;
      const details = [...flags, ...(port !== undefined ? [`port ${port}`] : []), ...(dev ? [`dev ${dev}`] : [])];
      return `${why(op.reason)}: add endpoint ${address} ${details.join(" ")} id ${id}`;
    }
    case "endpoint-change":
      return `${why(op.reason)}: ${op.backup ? "set" : "clear"} backup on endpoint ${op.address} id ${op.id}`;
    case "endpoint-delete":
      return op.takeover
        ? `${why(op.reason)}: take over endpoint ${op.address} id ${op.id} left by NetworkManager (delete, then add ours: subflows on it are re-established)`
        : `${why(op.reason)}: delete endpoint ${op.address} id ${op.id}`;
    case "route-add":
    case "route-delete":
      return `${why(op.reason)}: ${op.op === "route-add" ? "add" : "delete"} route ${route(op.route)}`;
    case "rule-add":
    case "rule-delete":
      return `${why(op.reason)}: ${op.op === "rule-add" ? "add" : "delete"} rule ${rule(op.rule)}`;
    case "rp-filter-set":
      return `${why(op.reason)}: set rp_filter of ${op.ifname} to ${op.value} (loose)`;
  }
}

function why(reason: Reason | "not wanted"): string {
  return reason === "not wanted" ? "not wanted" : `${reason.device} (rule ${reason.rule})`;
}

function route(r: RouteEntry): string {
  const via = r.gateway ? ` via ${r.gateway}` : "";
  const scope = r.scope ? ` scope ${r.scope}` : "";
  const src = r.src ? ` src ${r.src}` : "";
  return `${r.dst}${via} dev ${r.dev}${scope}${src} table ${r.table}`;
}

function rule(r: RuleEntry): string {
  return `from ${r.from} table ${r.table} priority ${r.priority}`;
}
