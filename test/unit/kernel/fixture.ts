import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A recorded iproute2 6.1 output from test/fixtures/ip (made by record.sh there). */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/ip/${name}`, import.meta.url)), "utf8");
}
