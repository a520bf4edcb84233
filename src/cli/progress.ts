import { stderrTerminal, type StatusTerminal } from './terminal.ts';

/** A one-line progress bar on a terminal; nothing elsewhere (the logs carry the stages there). */
export function createProgressBar(terminal: StatusTerminal = stderrTerminal): { update(share: number, label: string): void; done(): void } {
  return {
    update(share, label) {
      const width = 30;
      const clamped = Math.max(0, Math.min(1, share));
      const filled = Math.round(clamped * width);
      terminal.setStatus(`${label.padEnd(18)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%`);
    },
    done() {
      terminal.clearStatus();
    },
  };
}
