/**
 * A multipart/form-data body (RFC 7578) split into its parts, as Jira's attachment endpoint reads it. Small and
 * strict on purpose: the emulator sees bodies from jira.js and from tests, and a body it cannot read is answered
 * with Jira's 400 rather than guessed at.
 */

export interface FormPart {
  /** The form field (`file` for attachments). */
  name: string;
  /** The file name the part declares, when it is a file. */
  filename?: string;
  contentType: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or undefined when there is none. */
export function boundaryOf(contentType: string): string | undefined {
  const [type, ...params] = contentType.split(';').map((p) => p.trim());
  if (type.toLowerCase() !== 'multipart/form-data') return undefined;
  for (const p of params) {
    const m = /^boundary=(?:"([^"]+)"|(\S+))$/i.exec(p);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

function dispositionParam(header: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (m) return m[1].replace(/\\(.)/g, '$1');
  const bare = new RegExp(`(?:^|;)\\s*${name}=([^;\\s]+)`, 'i').exec(header);
  return bare?.[1];
}

/** The parts of `body`, or a reason it is not a well-formed multipart body. */
export function parseMultipart(
  body: Buffer,
  boundary: string,
): { ok: true; parts: FormPart[] } | { ok: false; reason: string } {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return { ok: false, reason: 'no multipart boundary in the body' };
  for (;;) {
    at += delimiter.length;
    // `--` after a delimiter closes the body.
    if (body.subarray(at, at + 2).toString('latin1') === '--') return { ok: true, parts };
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n')
      return { ok: false, reason: 'malformed boundary line' };
    at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return { ok: false, reason: 'a part has no header end' };
    const headers = new Map<string, string>();
    for (const line of body.subarray(at, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) return { ok: false, reason: 'a part is not closed by the boundary' };
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (!/^form-data\b/i.test(disposition) || name === undefined) {
      return { ok: false, reason: 'a part has no Content-Disposition: form-data; name=…' };
    }
    const filename = dispositionParam(disposition, 'filename');
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      contentType: headers.get('content-type') ?? 'application/octet-stream',
      data: Buffer.from(body.subarray(headerEnd + 4, next)),
    });
    at = next + 2;
  }
}
