import { escapeControls } from '../format/escape.js';

/** Reports malformed input as `FILE:LINE: reason`: the first few in full, then only a count. */
export class MalformedReport {
  count = 0;
  constructor(private readonly write: (line: string) => void, private readonly limit = 10) {}

  add(where: string, reason: string): void {
    this.count++;
    if (this.count <= this.limit) this.write(escapeControls(`${where}: ${reason}`));
  }

  /** Malformed lines counted but not described (held back, then beyond the ones shown). */
  addUnshown(n: number): void {
    this.count += n;
  }

  /** The closing line, when some reports were held back. */
  finish(): void {
    if (this.count > this.limit) this.write(`rtev: ${this.count} malformed lines in all (${this.count - this.limit} not shown)`);
  }
}
