/**
 * The bytes a segmenter has read and not yet handed on, addressed by their offset in the whole input: appends grow
 * the buffer by doubling and a cut moves the rest to the front, so each byte is copied a bounded number of times
 * whatever the size of the input or of one value in it.
 */
export class PendingBytes {
  /** The bytes held, from index 0 up to `length` (what lies beyond is unused capacity). */
  bytes: Buffer = Buffer.allocUnsafe(64 * 1024);
  length = 0;
  /** Offset in the input of the first byte held. */
  base = 0;

  /** Offset in the input just past the last byte held. */
  get end(): number {
    return this.base + this.length;
  }

  /** Offset in the input of the first `needle` at or after `from`, or -1. */
  indexOf(needle: string, from: number): number {
    const i = this.bytes.subarray(0, this.length).indexOf(needle, Math.max(0, from - this.base), 'latin1');
    return i < 0 ? -1 : this.base + i;
  }

  append(chunk: Uint8Array): void {
    const need = this.length + chunk.length;
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length = need;
  }

  /** A copy of the bytes from `from` (at least `base`) up to `to`. */
  copy(from: number, to: number): Buffer {
    return Buffer.from(this.bytes.subarray(from - this.base, to - this.base));
  }

  /** The bytes from `from` up to `to` (clamped to what is held) as latin1 text: one character per byte, no copy. */
  latin1(from: number, to: number): string {
    return this.bytes.toString('latin1', from - this.base, Math.min(to, this.end) - this.base);
  }

  /** Forget every byte before `to`. */
  drop(to: number): void {
    const n = Math.min(Math.max(0, to - this.base), this.length);
    if (n === 0) return;
    this.bytes.copyWithin(0, n, this.length);
    this.length -= n;
    this.base += n;
    // A huge value made the buffer huge: give the memory back once it is gone.
    if (this.bytes.length > 4 * 1024 * 1024 && this.length < this.bytes.length / 8) {
      const smaller = Buffer.allocUnsafe(Math.max(64 * 1024, this.length * 2));
      this.bytes.copy(smaller, 0, 0, this.length);
      this.bytes = smaller;
    }
  }
}

/**
 * Line breaks before the first byte that is not JSON whitespace, or -1 when the bytes are all whitespace (a segment
 * of blank lines is sent nowhere). A segment holding one value gets `body` from decode: this says on which of its
 * lines that value is.
 */
export function blankLines(bytes: Uint8Array): number {
  let lines = 0;
  for (const c of bytes) {
    if (c === 0x0a) lines++;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return lines;
  }
  return -1;
}
