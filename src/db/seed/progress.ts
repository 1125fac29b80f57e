/**
 * A progress bar on stderr for the seed command. On a terminal it redraws one line; elsewhere (CI logs,
 * pipes) it prints a line every tenth of the way, so logs stay readable.
 */
export function progressBar(stream: { write(s: string): unknown; isTTY?: boolean }, width = 30) {
  let lastLabel = "";
  let lastTenth = -1;
  const started = Date.now();
  return {
    update(label: string, done: number, total: number) {
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const text = `${label.padEnd(10)} ${done.toLocaleString("en-GB")}/${total.toLocaleString("en-GB")} ${(fraction * 100).toFixed(0).padStart(3)}%  ${seconds}s`;
      if (stream.isTTY) {
        const filled = Math.round(fraction * width);
        stream.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}\u001b[K`);
        if (fraction === 1) stream.write("\n");
      } else {
        const tenth = Math.floor(fraction * 10);
        if (label !== lastLabel) lastTenth = -1;
        if (tenth !== lastTenth) stream.write(`${text}\n`);
        lastTenth = tenth;
      }
      lastLabel = label;
    },
  };
}
