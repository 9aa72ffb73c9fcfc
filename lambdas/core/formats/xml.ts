import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Windows Event Log XML, read safely. Event Viewer and `wevtutil qe /f:xml` write one `<Event>` element after another
 * with no root (or inside `<Events>`), so events are located in the text first and each is parsed on its own: one
 * broken event does not take its neighbours down, and each keeps its own text for excerpts and hashes.
 *
 * Entity handling is ours, not the parser's: DTDs are refused outright (billion laughs, external entities), the
 * parser's entity processing is off, and only the five predefined entities and numeric character references are
 * decoded afterwards.
 */

/** Attribute keys on parsed elements carry this prefix: `<Data Name='x'>` → `{ '@_Name': 'x', '#text': … }`. */
export const ATTR = '@_';
export const TEXT = '#text';

/** A located `<Event>` element, or a fault found while locating. */
export type XmlEventSpan =
  | { kind: 'event'; index: number; start: number; text: string }
  | { kind: 'fault'; start: number; text: string; reason: string };

const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;

/** The rejection reason for any XML that declares a DTD or entities. */
export const DTD_REASON = 'XML with a DOCTYPE or ENTITY declaration is refused (entity expansion, external entities)';

/** True when the text declares a DTD or entities: refused before any parsing. */
export function hasDtd(text: string): boolean {
  return DTD_RE.test(text);
}

// `<Event` followed by whitespace, `>` or `/` (not `<Events>`), optionally namespace-prefixed.
const EVENT_OPEN_RE = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/g;
const EVENT_CLOSE_RE = /<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/g;
const WRAPPER_RE = /<\/?(?:[A-Za-z_][\w.-]*:)?Events(?=[\s>/])[^>]*>/y;

/**
 * True when the text between events is only what may sit there: whitespace, declarations and processing
 * instructions, comments, and the `<Events>` wrapper. A single forward pass: each construct is skipped by searching
 * for its end once, so hostile filler (`<?<?<?…`) costs linear time.
 */
function isFiller(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
      continue;
    }
    let close = -1;
    if (text.startsWith('<?', i)) close = text.indexOf('?>', i + 2) + 2;
    else if (text.startsWith('<!--', i)) close = text.indexOf('-->', i + 4) + 3;
    else {
      WRAPPER_RE.lastIndex = i;
      if (WRAPPER_RE.test(text)) close = WRAPPER_RE.lastIndex;
    }
    if (close <= i || close > end) return false;
    i = close;
  }
  return true;
}

type XmlFault = Extract<XmlEventSpan, { kind: 'fault' }>;

function fillerFault(text: string, start: number, end: number): XmlFault | undefined {
  if (isFiller(text, start, end)) return undefined;
  return {
    kind: 'fault',
    start,
    text: text.slice(start, end).trim(),
    reason: 'XML content outside any <Event> element',
  };
}

/** Locate every `<Event>…</Event>` (or `<Event/>`) element; text between them that is not filler becomes a fault. */
export function locateEvents(text: string): XmlEventSpan[] {
  const out: XmlEventSpan[] = [];
  let pos = 0;
  let index = 0;
  EVENT_OPEN_RE.lastIndex = 0;
  for (let m = EVENT_OPEN_RE.exec(text); m !== null; m = EVENT_OPEN_RE.exec(text)) {
    const start = m.index;
    if (start < pos) continue;
    const gap = fillerFault(text, pos, start);
    if (gap) out.push(gap);
    const tagEnd = text.indexOf('>', start);
    if (tagEnd < 0) {
      out.push({ kind: 'fault', start, text: text.slice(start), reason: 'truncated XML: <Event> tag never closes' });
      return out;
    }
    index++;
    if (text[tagEnd - 1] === '/') {
      out.push({ kind: 'event', index, start, text: text.slice(start, tagEnd + 1) });
      pos = tagEnd + 1;
    } else {
      EVENT_CLOSE_RE.lastIndex = tagEnd;
      const close = EVENT_CLOSE_RE.exec(text);
      if (close === null) {
        out.push({ kind: 'fault', start, text: text.slice(start), reason: 'truncated XML: <Event> without </Event>' });
        return out;
      }
      pos = close.index + close[0].length;
      out.push({ kind: 'event', index, start, text: text.slice(start, pos) });
    }
    EVENT_OPEN_RE.lastIndex = pos;
  }
  const tail = fillerFault(text, pos, text.length);
  if (tail) {
    if (index === 0) {
      const root = /<(?!(?:[\w.-]+:)?Events[\s>])([A-Za-z_][\w.:-]*)/.exec(tail.text)?.[1];
      tail.reason = root
        ? `unknown XML: no Windows <Event> element (root <${root}>)`
        : 'unknown XML: no <Event> element';
    }
    out.push(tail);
  }
  return out;
}

// A `&` that does not start a predefined entity or a character reference. Event Viewer's "copy as XML" writes URLs
// with raw `&` (see Defender 1116 samples); escaping them keeps the text as written instead of losing the event.
const BARE_AMP_RE = /&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/g;
const ENTITY_RE = /&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the five predefined entities and numeric character references; anything else stays as written. */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY_RE, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    // XML forbids NUL and surrogate code points as characters; keep such references literally.
    if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
    return String.fromCodePoint(code);
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  // Field values are data: keep their spaces; whitespace-only text between child elements is dropped afterwards.
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  isArray: (name) => name === 'Data',
});

/** Raised by `parseEventXml` with a one-line reason. */
export class XmlRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'XmlRejected';
  }
}

type XmlValue = string | XmlValue[] | { [key: string]: XmlValue };

/** Decode entities everywhere, normalise XML line ends, drop indentation text between child elements. */
function tidy(v: unknown): XmlValue {
  if (typeof v === 'string') return decodeXmlEntities(v.replace(/\r\n?/g, '\n'));
  if (Array.isArray(v)) return v.map(tidy);
  if (typeof v === 'object' && v !== null) {
    const out: { [key: string]: XmlValue } = {};
    const entries = Object.entries(v);
    const hasChildren = entries.some(([k]) => !k.startsWith(ATTR) && k !== TEXT);
    for (const [k, x] of entries) {
      if (k === '__proto__') continue;
      if (k === TEXT && hasChildren && typeof x === 'string' && x.trim() === '') continue;
      out[k] = tidy(x);
    }
    return out;
  }
  return v === undefined || v === null ? '' : String(v);
}

/**
 * Parse one `<Event>` element's text into a plain object (`{ System: …, EventData: { Data: [...] } }`).
 * @throws XmlRejected when it has a DTD or is not well-formed.
 */
export function parseEventXml(text: string): unknown {
  if (hasDtd(text)) throw new XmlRejected(DTD_REASON);
  const escaped = text.replace(BARE_AMP_RE, '&amp;');
  const valid = XMLValidator.validate(escaped);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlRejected(`invalid XML: ${msg} (line ${line}, column ${col})`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(escaped);
  } catch (err) {
    throw new XmlRejected(`invalid XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const event = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).Event : undefined;
  if (event === undefined) throw new XmlRejected('invalid XML: no <Event> element');
  return tidy(event);
}

/**
 * Parse an XML fragment that is not an `<Event>` (a task definition, SecurityEvent's `<EventData>`) into a plain
 * object keyed by its root element, with the same DTD refusal and entity handling as events.
 * @throws XmlRejected when it has a DTD or is not well-formed.
 */
export function parseXmlFragment(text: string): Record<string, unknown> {
  if (hasDtd(text)) throw new XmlRejected(DTD_REASON);
  const escaped = text.replace(BARE_AMP_RE, '&amp;');
  const valid = XMLValidator.validate(escaped);
  if (valid !== true) throw new XmlRejected(`invalid XML: ${valid.err.msg}`);
  let doc: unknown;
  try {
    doc = parser.parse(escaped);
  } catch (err) {
    throw new XmlRejected(`invalid XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out = tidy(doc);
  return typeof out === 'object' && !Array.isArray(out) ? out : {};
}
