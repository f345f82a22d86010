import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { heldReporter } from "../../../src/daemon/report.js";
import { createLogger } from "../../../src/log.js";
import type { HeldDevice } from "../../../src/model/types.js";

function capture() {
  const lines: { level: number; msg: string; device?: string; unknown?: string[] }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: "info", format: "json", destination: stream }) };
}

describe("heldReporter", () => {
  const lte: HeldDevice = { device: "lte0", rule: "metered", unknown: ["metered"] };
  const wan: HeldDevice = { device: "wan0", rule: "metered", unknown: ["metered"] };

  it("says when a device becomes held and when it is decided again, once each", () => {
    const { lines, log } = capture();
    const report = heldReporter(log);
    report([]); // nothing held from the start: nothing to say
    report([lte, wan]);
    report([lte, wan]);
    report([lte]);
    report([{ ...lte, unknown: ["connection", "metered"] }]);
    report([]);
    report([]);
    expect(lines.map((l) => l.msg)).toEqual([
      "lte0: kernel left as it is until NetworkManager reports metered",
      "wan0: kernel left as it is until NetworkManager reports metered",
      "wan0: facts known, deciding again",
      "lte0: kernel left as it is until NetworkManager reports connection, metered",
      "lte0: facts known, deciding again",
    ]);
    expect(lines.every((l) => l.level === 30)).toBe(true);
  });
});
