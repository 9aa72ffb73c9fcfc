import { Buffer } from 'node:buffer';
import type { Part } from './values';

/**
 * The encoding modifiers: `windash`, `utf16le`/`wide`, `utf16be`, `utf16`, `base64`, `base64offset`.
 * After a UTF-16 modifier a value is a byte string (one character per byte, code units 0–255), which is what the
 * base64 modifiers then encode, as in the reference implementation.
 */

/** The characters `windash` makes interchangeable: hyphen-minus, slash, en dash, em dash, horizontal bar. */
export const WINDASH_CHARS: readonly string[] = ['-', '/', '\u2013', '\u2014', '\u2015'];

const WORD = /^[\p{L}\p{N}_]$/u;

function isWordAt(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const cp = s.codePointAt(i);
  // A low surrogate belongs to the character before it.
  const ch =
    cp !== undefined && cp >= 0xdc00 && cp <= 0xdfff && i > 0 ? s.slice(i - 1, i + 1) : String.fromCodePoint(cp ?? 0);
  return WORD.test(ch);
}

/**
 * `windash`: a dash or slash that starts a word (`\B[-/]\b`, as pySigma finds them: `-enc`, ` /c`, but not the
 * hyphen inside `Invoke-Expression`) may be any of the five dash characters. Returns parts with a character set
 * at each such position.
 */
export function windash(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      out.push(p);
      continue;
    }
    let acc = '';
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if (WINDASH_CHARS.includes(c) && !isWordAt(p, i - 1) && isWordAt(p, i + 1)) {
        if (acc !== '') out.push(acc);
        out.push({ kind: 'set', chars: WINDASH_CHARS });
        acc = '';
      } else {
        acc += c;
      }
    }
    if (acc !== '') out.push(acc);
  }
  return out;
}

/** UTF-16 code units as little-endian bytes (`utf16le`, `wide`). */
export function utf16le(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out += String.fromCharCode(u & 0xff, u >> 8);
  }
  return out;
}

/** UTF-16 code units as big-endian bytes (`utf16be`). */
export function utf16be(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out += String.fromCharCode(u >> 8, u & 0xff);
  }
  return out;
}

/** The byte-order mark FF FE, then little-endian bytes (`utf16`). */
export function utf16WithBom(text: string): string {
  return '\xff\xfe' + utf16le(text);
}

/** The bytes a base64 modifier encodes: a byte string as is, ordinary text as UTF-8. */
function bytesOf(text: string, isByteString: boolean): Buffer {
  return isByteString ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/** `base64`: the value's bytes, base64-encoded. */
export function base64(text: string, isByteString: boolean): string {
  return bytesOf(text, isByteString).toString('base64');
}

/**
 * `base64offset`: the three encodings of the value as it would appear at byte offsets 0, 1 and 2 of a longer
 * base64 text, trimmed to the characters that do not depend on the neighbouring bytes (pySigma's algorithm).
 */
export function base64Offsets(text: string, isByteString: boolean): string[] {
  const data = bytesOf(text, isByteString);
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.concat([Buffer.alloc(i, 0x20), data]).toString('base64');
    out.push(encoded.slice(starts[i], ends[(data.length + i) % 3]));
  }
  return out;
}
