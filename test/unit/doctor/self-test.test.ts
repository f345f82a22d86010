import { describe, expect, it } from "vitest";
import { judgeSelfTest } from "../../../src/doctor/self-test.js";

// Outputs recorded from the self-test script on kernel 6.18 (the fallback one with a plain TCP listener).
describe("judgeSelfTest", () => {
  it.each([
    {
      name: "negotiated",
      output: { infoFlags: 2, counters: { MPCapableSYNRX: 1, MPCapableSYNTX: 1, MPCapableSYNACKRX: 1, MPCapableACKRX: 1, MPCurrEstab: 2 } },
      negotiated: true,
      detail: /MPCapableSYNACKRX=1\), MPTCP_INFO flags 0x2 \(no fallback\)/,
    },
    {
      name: "silent fallback to TCP",
      output: { infoError: "EOPNOTSUPP", counters: { MPCapableSYNTX: 1, MPCapableFallbackSYNACK: 1, MPCurrEstab: 1 } },
      negotiated: false,
      detail: /fell back to plain TCP \(MPCapableFallbackSYNACK=1\), MPTCP_INFO: EOPNOTSUPP/,
    },
    { name: "MPTCP disabled", output: { error: "Protocol not available (ENOPROTOOPT)", counters: {} }, negotiated: false, detail: /net\.mptcp\.enabled is 0/ },
    { name: "no MPTCP in the kernel", output: { error: "Protocol not supported (EPROTONOSUPPORT)" }, negotiated: false, detail: /the kernel has no MPTCP/ },
    { name: "MPTCP_INFO says fallback", output: { infoFlags: 3, counters: { MPCapableSYNACKRX: 1 } }, negotiated: false, detail: /^fell back to plain TCP \(MPTCP_INFO flags 0x3\)$/ },
    { name: "no MP_CAPABLE at all", output: { counters: { MPCapableSYNTX: 1 } }, negotiated: false, detail: /^no MP_CAPABLE SYN-ACK seen \(MPCapableSYNACKRX=0\)$/ },
  ])("$name", ({ output, negotiated, detail }) => {
    const result = judgeSelfTest(output, 42);
    expect(result).toMatchObject({ ran: true, negotiated, durationMs: 42 });
    if (result.ran) expect(result.detail).toMatch(detail);
  });
});
