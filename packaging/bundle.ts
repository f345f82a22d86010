// The CLI as one executable ESM file with every dependency inlined, so a start reads one file instead of
// resolving and loading a few hundred modules from node_modules (what `--version` and the dispatcher's
// `apply` pay on every run). A module the program loads with import() becomes a chunk file next to it, so
// it stays unread until used (without splitting esbuild inlines it). `npm run build` (tsc) is what tests run.
import { chmodSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** Two levels below the checkout like src/policy/, so the schema is found at the same relative place. */
export const BUNDLE_DIR = fileURLToPath(new URL("../dist/bundle/", import.meta.url));
export const ENTRY = "mptcp-policy.mjs";

const CLI_SOURCE = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

/**
 * Writes an entry (by default the CLI, as ENTRY) and its chunks into `outdir` (emptied first) and returns the
 * entry's path. The bench bundles its own small entries the same way, to time parts of what the CLI loads.
 */
export async function bundle(outdir = BUNDLE_DIR, source = CLI_SOURCE): Promise<string> {
  const name = source === CLI_SOURCE ? basename(ENTRY, ".mjs") : basename(source, ".ts");
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { [name]: source },
    outdir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // dbus-next's optional native socket and X11 address lookup: not installed, required inside try/catch
    // or on paths we never take (abstract sockets, X11 session bus), so they stay run-time requires.
    external: ["usocket", "x11"],
    // dbus-next's XML library, which it loads on start but this program never uses (see the file).
    alias: { xml2js: fileURLToPath(new URL("./xml2js-for-dbus-next.ts", import.meta.url)) },
    // The CommonJS dependencies (commander, pino, dbus-next) call require() for Node's built-ins, which an
    // ESM file does not have; esbuild keeps the entry's `#!/usr/bin/env node` line above this banner.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    legalComments: "none",
    logLevel: "warning",
  });
  const entry = join(outdir, `${name}.mjs`);
  chmodSync(entry, 0o755);
  return entry;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
