// A scripted stand-in for a resident `ip -force -batch -`: records each run's lines, fails the
// lines `fail` names, and rejects a run when `crash` returns an error for it.
import type { BatchResult, IpBatch } from "../../../src/kernel/ip.js";

export interface FakeBatch extends IpBatch {
  runs: string[][];
}

export function fakeBatch(
  fail: (line: string) => string | undefined = () => undefined,
  crash: (lines: string[]) => Error | undefined = () => undefined,
): FakeBatch {
  const runs: string[][] = [];
  return {
    runs,
    async run(lines): Promise<BatchResult> {
      const text = lines.map((argv) => argv.join(" "));
      runs.push(text);
      const error = crash(text);
      if (error) throw error;
      const failures = text.flatMap((line, index) => {
        const message = fail(line);
        return message === undefined ? [] : [{ index, message }];
      });
      return { outputs: text.map(() => ""), failures };
    },
    prestart() {},
    async close() {},
  };
}
