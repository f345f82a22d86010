#!/usr/bin/env node
import { asksOnlyVersion, VERSION } from "./version.js";

if (asksOnlyVersion(process.argv.slice(2))) process.stdout.write(`${VERSION}\n`);
else await (await import("./run.js")).runCli(process.argv);
