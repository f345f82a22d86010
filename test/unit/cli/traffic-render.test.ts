import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { openLiveScreen } from "../../../src/cli/live-screen.js";
import { formatBytes, trafficLine, watchScreen } from "../../../src/cli/render/traffic.js";
import type { DeviceStatus, StatusReport } from "../../../src/status.js";

const device = (name: string, over: Partial<DeviceStatus>): DeviceStatus => ({
  interface: name, type: "ethernet", state: "activated", metered: "no", role: "managed", addresses: [],
  endpoints: [], inSync: true, traffic: { subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0 }, ...over,
});

const report: StatusReport = {
  devices: [
    device("lte0", {
      endpoints: [{ id: 100, address: "10.0.2.2", flags: ["subflow", "backup"] }],
      traffic: { subflows: 1, backupSubflows: 1, bytesSent: 849_800_000, bytesReceived: 0, sendRate: 63_700_000, receiveRate: 0 },
    }),
    device("wan0", { role: "inactive", state: "unavailable", noCarrier: true, traffic: { subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0, sendRate: 0, receiveRate: 0 } }),
    device("mgmt0", { role: "ignored" }),
  ],
  limits: { subflows: 2, addAddrAccepted: 2 },
  inSync: true,
  warnings: [],
  trafficLinks: ["lte0", "wan0"],
  trafficSummary: "lte0 (backup) is carrying 100 % of MPTCP traffic: wan0 has no working subflow (no carrier)",
};

describe("traffic rendering", () => {
  it.each([
    [0, "0 B"], [999, "999 B"], [1000, "1.0 kB"], [849_800_000, "849.8 MB"], [2_500_000_000_000, "2.5 TB"],
  ])("formatBytes(%d) is %s", (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it("says subflows, backup ones, bytes and rates in status's line", () => {
    expect(trafficLine(report.devices[0]!.traffic)).toBe("MPTCP: 1 subflow (1 backup), sent 849.8 MB, received 0 B, now 63.7 MB/s out, 0 B/s in");
    expect(trafficLine({ subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0 })).toBe("MPTCP: 0 subflows, sent 0 B, received 0 B");
  });

  it("draws a row per link the report speaks of, with its share as a bar, then the summary", () => {
    expect(watchScreen(report, "HEADER")).toEqual([
      "HEADER",
      "",
      "LINK               SUBFLOWS   SEND       RECEIVE  SENT      RECEIVED  SHARE",
      "lte0 (backup)      1 (1 bkp)  63.7 MB/s  0 B/s    849.8 MB  0 B       ████████████████████ 100 %",
      "wan0 (no carrier)  0          0 B/s      0 B/s    0 B       0 B       ░░░░░░░░░░░░░░░░░░░░   0 %",
      "",
      "lte0 (backup) is carrying 100 % of MPTCP traffic: wan0 has no working subflow (no carrier)",
    ]);
  });
});

describe("openLiveScreen", () => {
  const capture = (isTTY: boolean) => {
    const out = Object.assign(new PassThrough(), { isTTY, columns: 12 }) as unknown as NodeJS.WriteStream;
    let text = "";
    (out as unknown as PassThrough).on("data", (chunk: Buffer) => (text += chunk.toString()));
    return { out, text: () => text };
  };

  it("on a terminal: alternate screen and hidden cursor, frames redrawn from the top and cut to its width, both given back", () => {
    const { out, text } = capture(true);
    const screen = openLiveScreen(out);
    screen.draw(["a line longer than twelve", "b"]);
    screen.restore();
    screen.restore();
    expect(text()).toBe("\x1b[?1049h\x1b[?25l\x1b[Ha line longe\x1b[K\r\nb\x1b[K\r\n\x1b[J\x1b[?25h\x1b[?1049l");
  });

  it("elsewhere: frames appended, no escape codes", () => {
    const { out, text } = capture(false);
    const screen = openLiveScreen(out);
    screen.draw(["one"]);
    screen.draw(["two"]);
    screen.restore();
    expect(text()).toBe("one\n\ntwo\n\n");
  });
});
