/** A one-line progress bar on a TTY; nothing elsewhere (logs carry the stages there). */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): { update(share: number, label: string): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = '';
  return {
    update(share, label) {
      const width = 30;
      const filled = Math.round(Math.max(0, Math.min(1, share)) * width);
      const line = `\r${label.padEnd(18)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%`;
      if (line !== last) stream.write(line);
      last = line;
    },
    done() {
      if (last) stream.write('\n');
      last = '';
    },
  };
}
