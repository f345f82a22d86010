// The daemon runs as root and turns the policy into routing: a policy anyone else can change is a way in.
// Refuse files and directories that are group/world-writable or owned by someone other than root or us.
import { lstat, readlink, stat } from "node:fs/promises";
import { dirname, relative, sep } from "node:path";
import type { Diagnostic } from "./diagnostic.js";

/** Problems with `file` and with each directory between `root` (exclusive) and it. */
export async function checkChain(root: string, file: string, checked = new Set<string>()): Promise<Diagnostic[]> {
  const parts = relative(root, dirname(file)).split(sep).filter((p) => p !== "");
  const dirs = parts.map((_, i) => [root, ...parts.slice(0, i + 1)].join(sep).replace(/\/+/g, "/"));
  const diagnostics: Diagnostic[] = [];
  for (const path of [...dirs, file]) {
    if (checked.has(path)) continue;
    checked.add(path);
    const problem = await unsafe(path, false);
    if (problem) diagnostics.push(problem);
  }
  return diagnostics;
}

/**
 * Problems with an explicitly named file and its own directory. A sticky directory (like /tmp) is
 * accepted there: others may add files to it but not replace this one, and no other file in it is read.
 */
export async function checkExplicitFile(file: string): Promise<Diagnostic[]> {
  const problems = [await unsafe(dirname(file), true), await unsafe(file, false)];
  return problems.filter((p): p is Diagnostic => p !== undefined);
}

async function unsafe(path: string, stickyDirOk: boolean): Promise<Diagnostic | undefined> {
  let info;
  try {
    // A mask links to /dev/null, which everyone may write; the link itself is what matters.
    const link = await lstat(path);
    if (link.isSymbolicLink() && (await readlink(path)) === "/dev/null") return undefined;
    info = await stat(path);
  } catch (err) {
    return { file: path, line: 0, col: 0, message: `cannot read: ${(err as Error).message}` };
  }
  const what = info.isDirectory() ? "directory holding policy files" : "policy file";
  const sticky = info.isDirectory() && (info.mode & 0o1000) !== 0;
  if ((info.mode & 0o022) !== 0 && !(stickyDirOk && sticky)) {
    const mode = (info.mode & 0o7777).toString(8).padStart(4, "0");
    return {
      file: path,
      line: 0,
      col: 0,
      message: `refusing to use a ${what} writable by group or others (mode ${mode}): anyone could change the policy; fix: chmod go-w ${path}`,
    };
  }
  const me = process.getuid?.() ?? 0;
  if (info.uid !== 0 && info.uid !== me) {
    return {
      file: path,
      line: 0,
      col: 0,
      message: `refusing to use a ${what} owned by uid ${info.uid} (only root or uid ${me} may own it); fix: chown root ${path}`,
    };
  }
  return undefined;
}
