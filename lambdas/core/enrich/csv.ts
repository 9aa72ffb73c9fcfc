/**
 * A small RFC 4180 reader: comma-separated, fields optionally in double quotes, `""` for a quote inside quotes,
 * commas and line breaks allowed inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark ignored.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on, for error messages. */
  line: number;
}

export interface CsvResult {
  records: CsvRecord[];
  /** Set when the text is not valid CSV (an unterminated quote, text after a closing quote). */
  error?: string;
}

export function parseCsv(input: string): CsvResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  /** The current field was quoted and its closing quote has been read. */
  let closed = false;

  const endField = (): void => {
    fields.push(quoted || closed ? field : field.trim());
    field = '';
    quoted = false;
    closed = false;
  };
  const endRecord = (): void => {
    endField();
    // A line with nothing on it is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
  };

  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === ',') {
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (closed) {
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      return { records, error: `line ${line}: text after a closing quote` };
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (quoted) return { records, error: `line ${recordLine}: a quoted field is not closed` };
  if (field !== '' || fields.length > 0 || closed) endRecord();
  return { records };
}
