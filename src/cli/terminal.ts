/**
 * stderr as the CLI shares it. On a terminal it holds one status line (the progress bar) at the
 * bottom; every other line is written above it, so log lines never glue onto the bar.
 */
export class StatusTerminal {
  readonly #stream: NodeJS.WriteStream;
  #status = '';

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  get isTTY(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Writes one whole line; on a terminal, the status line is cleared first and drawn again after. */
  writeLine(text: string): void {
    if (!this.#status) {
      this.#stream.write(`${text}\n`);
      return;
    }
    this.#stream.write(`\r\x1b[2K${text}\n${this.#status}`);
  }

  /** Replaces the status line (terminals only; elsewhere nothing is drawn). */
  setStatus(text: string): void {
    if (!this.isTTY) return;
    // one row: a status wider than the terminal would wrap, and \r could not take it back
    const width = Math.max(10, (this.#stream.columns || 80) - 1);
    const line = text.length > width ? text.slice(0, width) : text;
    if (line === this.#status) return;
    this.#stream.write(`\r\x1b[2K${line}`);
    this.#status = line;
  }

  /** Erases the status line, leaving the cursor at the start of an empty row. */
  clearStatus(): void {
    if (!this.#status) return;
    this.#stream.write('\r\x1b[2K');
    this.#status = '';
  }
}

/** The one stderr of this process. */
export const stderrTerminal = new StatusTerminal(process.stderr);
