// A full-screen view redrawn in place (as top and watch do): the terminal's alternate screen with the cursor
// hidden while it runs, and both given back on restore, so the shell's screen is as it was before. When the
// output is no terminal (a pipe, a log) each frame is appended instead, as `top -b` does: escape codes would
// only garble a file.
const ESC = "\x1b[";

export interface LiveScreen {
  draw(lines: readonly string[]): void;
  /** Idempotent. */
  restore(): void;
}

export function openLiveScreen(out: NodeJS.WriteStream = process.stdout): LiveScreen {
  if (!out.isTTY) {
    return {
      draw: (lines) => out.write(`${lines.join("\n")}\n\n`),
      restore: () => undefined,
    };
  }
  out.write(`${ESC}?1049h${ESC}?25l`);
  let restored = false;
  return {
    draw(lines) {
      // A line longer than the terminal would wrap and push the view down at every refresh: cut it.
      const width = out.columns > 0 ? out.columns : Infinity;
      const body = lines.map((l) => `${[...l].slice(0, width).join("")}${ESC}K`).join("\r\n");
      out.write(`${ESC}H${body}\r\n${ESC}J`);
    },
    restore() {
      if (restored) return;
      restored = true;
      out.write(`${ESC}?25h${ESC}?1049l`);
    },
  };
}
