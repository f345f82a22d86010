import { closeSync, fstatSync, openSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, defaultLogFormat, formatTextLine, type LoggerOptions } from "../../src/log.js";

function capture(opts: Omit<LoggerOptions, "destination">) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ ...opts, destination }), lines };
}

describe("text lines for the journal", () => {
  it.each([
    { level: "fatal", prefix: "<2>" },
    { level: "error", prefix: "<3>" },
    { level: "warn", prefix: "<4>" },
    { level: "info", prefix: "<6>" },
    { level: "debug", prefix: "<7>" },
    { level: "trace", prefix: "<7>" },
  ] as const)("$level is priority $prefix", ({ level, prefix }) => {
    const { log, lines } = capture({ level: "trace", format: "text", style: "journal" });
    log[level]("something");
    expect(lines).toEqual([`${prefix}something\n`]);
  });

  it("puts the component first and the fields after the message, without pid and time", () => {
    const { log, lines } = capture({ format: "text", style: "journal" });
    log.child({ component: "apply" }).info({ device: "eth0", op: "endpoint-add", ms: 1.5, fast: true }, "added endpoint 192.0.2.1");
    expect(lines).toEqual(["<6>apply: added endpoint 192.0.2.1 device=eth0 op=endpoint-add ms=1.5 fast=true\n"]);
  });

  it("quotes a value with spaces, quotes or an equals sign, and writes lists and objects as JSON", () => {
    const line = formatTextLine(
      { level: 40, msg: "m", command: "ip mptcp endpoint add 192.0.2.1", q: 'a"b', eq: "a=b", empty: "", reasons: ["nm", "kernel"], at: { line: 5 }, none: null },
      "journal",
    );
    expect(line).toBe('<4>m command="ip mptcp endpoint add 192.0.2.1" q="a\\"b" eq="a=b" empty="" reasons=["nm","kernel"] at={"line":5} none=null\n');
  });

  it("keeps a multi-line message and field on one line, so the journal keeps one entry at its priority", () => {
    const { log, lines } = capture({ format: "text", style: "journal" });
    log.error({ error: "first\nsecond" }, "policy.yaml:5:3: unknown key\n  5 | mach:\n    | ^\u001b[0m");
    expect(lines).toEqual(['<3>policy.yaml:5:3: unknown key\\n  5 | mach:\\n    | ^\\u001b[0m error="first\\nsecond"\n']);
    expect(lines[0]!.slice(0, -1)).not.toMatch(/[\n\r]/);
  });

  it("names the level instead of a priority on a terminal", () => {
    const { log, lines } = capture({ format: "text", style: "terminal" });
    log.warn({ device: "wwan0" }, "conflict");
    expect(lines).toEqual(["WARN conflict device=wwan0\n"]);
  });
});

describe("JSON lines", () => {
  it("stay pino's JSON with numeric levels, pid and the component", () => {
    const { log, lines } = capture({ format: "json" });
    log.child({ component: "nm" }).warn({ device: "eth0" }, "lost the bus");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, pid: process.pid, component: "nm", device: "eth0", msg: "lost the bus" });
  });
});

describe("the default format", () => {
  const file = join(tmpdir(), `mptcp-policy-log-${process.pid}`);

  it("is text with priorities when JOURNAL_STREAM names the descriptor, JSON when it names another file", () => {
    const fd = openSync(file, "w");
    try {
      const st = fstatSync(fd);
      expect(defaultLogFormat(fd, { JOURNAL_STREAM: `${st.dev}:${st.ino}` })).toEqual({ format: "text", style: "journal" });
      expect(defaultLogFormat(fd, { JOURNAL_STREAM: `${st.dev}:${st.ino + 1}` }).format).toBe("json");
      expect(defaultLogFormat(fd, {}).format).toBe("json");
    } finally {
      closeSync(fd);
      unlinkSync(file);
    }
  });
});
