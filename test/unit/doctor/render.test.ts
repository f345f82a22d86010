import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/doctor/finding.js";
import { renderHuman, renderJson, wantColor } from "../../../src/doctor/render.js";

const findings: Finding[] = [
  { id: "kernel.version", status: "ok", summary: "Linux 6.18.44" },
  { id: "mptcp.enabled", status: "fail", summary: "net.mptcp.enabled = 0", fix: "sysctl -w net.mptcp.enabled=1\nto keep it: echo ..." },
  { id: "limits", status: "warn", summary: "subflows 8" },
];

describe("renderHuman", () => {
  it("prints one line per check, fixes indented under it, and a count", () => {
    expect(renderHuman(findings, { color: false })).toBe(
      [
        "ok    kernel.version  Linux 6.18.44",
        "fail  mptcp.enabled   net.mptcp.enabled = 0",
        "                      fix: sysctl -w net.mptcp.enabled=1",
        "                           to keep it: echo ...",
        "warn  limits          subflows 8",
        "",
        "3 checks: 1 ok, 1 warn, 1 fail",
        "",
      ].join("\n"),
    );
  });

  it("colours the status only when asked", () => {
    expect(renderHuman(findings, { color: true })).toContain("\x1b[31mfail\x1b[0m");
    expect(renderHuman(findings, { color: false })).not.toContain("\x1b[");
  });
});

describe("wantColor", () => {
  it.each([
    { tty: true, env: {}, color: true },
    { tty: false, env: {}, color: false },
    { tty: true, env: { NO_COLOR: "1" }, color: false },
    { tty: true, env: { NO_COLOR: "" }, color: true },
  ])("tty=$tty env=$env → $color", ({ tty, env, color }) => {
    expect(wantColor(tty, env)).toBe(color);
  });
});

describe("renderJson", () => {
  it("is { checks: [{ id, status, summary, fix? }] }", () => {
    expect(JSON.parse(renderJson(findings))).toEqual({
      checks: [
        { id: "kernel.version", status: "ok", summary: "Linux 6.18.44" },
        { id: "mptcp.enabled", status: "fail", summary: "net.mptcp.enabled = 0", fix: "sysctl -w net.mptcp.enabled=1\nto keep it: echo ..." },
        { id: "limits", status: "warn", summary: "subflows 8" },
      ],
    });
  });
});
