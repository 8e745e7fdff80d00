/** Counts of the demo's orders by stage. */
export interface Counts {
  placed: number;
  charged: number;
  shipped: number;
  refunded: number;
  declined: number;
}

export function describeCounts(counts: Counts, total: number, elapsedMs: number): string {
  const waiting = counts.charged - counts.shipped - counts.refunded;
  const ended = counts.shipped + counts.refunded + counts.declined;
  return [
    `${(elapsedMs / 1000).toFixed(1).padStart(5)}s`,
    `placed ${counts.placed}/${total}`,
    `charged ${counts.charged}/${total}`,
    `waiting ${waiting}`,
    `shipped ${counts.shipped}`,
    `refunded ${counts.refunded}`,
    `declined ${counts.declined}`,
    `done ${ended}/${total}`,
  ].join("  ");
}

/**
 * Shows progress on stderr: one live line rewritten in place on a terminal, or a plain
 * line a second (when something changed) when stderr is a file or a pipe.
 */
export function showProgress(read: () => string): { stop(): void } {
  const tty = process.stderr.isTTY === true;
  let last = "";
  const draw = () => {
    const line = read();
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (line.replace(/^\s*[\d.]+s/, "") !== last.replace(/^\s*[\d.]+s/, "")) process.stderr.write(`${line}\n`);
    last = line;
  };
  const timer = setInterval(draw, tty ? 100 : 1000);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      draw();
      if (tty) process.stderr.write("\n");
    },
  };
}
