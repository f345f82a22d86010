// `ip -json mptcp endpoint show` → Endpoint[]. Flags are present-only booleans
// (`{"address":"10.2.2.2","id":101,"subflow":true,"backup":true,"dev":"lte0"}`).
import { ENDPOINT_FLAGS, type Endpoint } from "../model/types.js";
import { int, optStr, parseJsonList, str } from "./json.js";

const WHAT = "mptcp endpoint show";

export function parseEndpoints(json: string): Endpoint[] {
  return parseJsonList(json, WHAT).map((r) => {
    const ep: Endpoint = {
      id: int(r, "id", WHAT),
      address: str(r, "address", WHAT),
      flags: ENDPOINT_FLAGS.filter((f) => r[f] === true),
    };
    const dev = optStr(r, "dev");
    if (dev !== undefined) ep.dev = dev;
    if (r.port !== undefined) ep.port = int(r, "port", WHAT);
    return ep;
  });
}
