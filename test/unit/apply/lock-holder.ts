// Child process for the lock test: holds the lock for a while and logs when it held it.
import { appendFile } from "node:fs/promises";
import { acquireLock } from "../../../src/apply/lock.js";

const [dir, log, holdMs] = process.argv.slice(2) as [string, string, string];
const lock = await acquireLock(dir, { timeoutMs: 10_000 });
await appendFile(log, `start ${process.pid}\n`);
await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
await appendFile(log, `end ${process.pid}\n`);
await lock.release();
