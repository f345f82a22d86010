import { describe, expect, it } from "vitest";
import { parseKernelConfig } from "../../../src/doctor/probes.js";

describe("parseKernelConfig", () => {
  it("reads set options and treats 'is not set' and absence as null", () => {
    const text = "CONFIG_MPTCP=y\n# CONFIG_MPTCP_IPV6 is not set\nCONFIG_OTHER=y\n";
    expect(parseKernelConfig(text)).toEqual({ CONFIG_MPTCP: "y", CONFIG_MPTCP_IPV6: null, CONFIG_INET_MPTCP_DIAG: null });
  });
});
