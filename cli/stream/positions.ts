import type { Place } from './piece';

/**
 * Positions `decode` reports inside a segment, as positions in the whole input: what a rejection says must point
 * at the line, record or event of the file the user has, not of the segment it happened to be read in.
 */

/** decode's own join: `line 3` + `record 2` → `line 3, record 2`; `body` on either side gives way. */
function at(outer: string, inner: string): string {
  if (outer === 'body') return inner;
  if (inner === 'body') return outer;
  return `${outer}, ${inner}`;
}

const LEADING = /^(line|record|event) (\d+)/;

export function mapPosition(place: Place, position: string): string {
  switch (place.kind) {
    case 'whole':
      return position;
    case 'lines': {
      const m = LEADING.exec(position);
      if (m?.[1] === 'line') return `line ${place.line + Number(m[2]) - 1}${position.slice(m[0].length)}`;
      if (place.only === true) return position;
      return at(`line ${place.bodyLine}`, position);
    }
    case 'elements': {
      const m = LEADING.exec(position);
      const outer = place.arrayLine !== undefined ? `line ${place.arrayLine}` : 'body';
      if (m?.[1] === 'record') return at(outer, `record ${place.index + Number(m[2])}${position.slice(m[0].length)}`);
      return at(`line ${place.line}`, position.replace(/^line \d+(, )?/, ''));
    }
    case 'events': {
      const m = LEADING.exec(position);
      if (m?.[1] === 'event') return `event ${place.index + Number(m[2])}${position.slice(m[0].length)}`;
      return position;
    }
  }
}

/** Reasons that quote line numbers (`(lines 3–7)`) are shifted like positions. */
export function mapReason(place: Place, reason: string): string {
  if (place.kind !== 'lines') return reason;
  const shift = place.line - 1;
  return reason.replace(
    /\(lines (\d+)–(\d+)\)$/,
    (_, a: string, b: string) => `(lines ${Number(a) + shift}–${Number(b) + shift})`,
  );
}
