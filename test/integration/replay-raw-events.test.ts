import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { replay } from '../../cli/commands/replay';

// `a2t replay --out DIR`: each ticket's Markdown, and beside it the raw events the ticket has as its attachment.

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
/** The emulator's own credentials (local/jira-emulator/site.ts defaults): `replay --jira local` starts it so. */
const AUTH = `Basic ${Buffer.from('a2t-integration@example.com:local-emulator-token').toString('base64')}`;

/** Whether `text` parses as its format: one XML document, or one JSON value per line. */
function wellFormed(text: string, ext: string): boolean {
  if (ext === 'xml') return XMLValidator.validate(text) === true;
  return text
    .trimEnd()
    .split('\n')
    .every((line) => {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
}

describe('a2t replay --out writes the raw-events file beside each ticket Markdown', () => {
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-raw-'));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it.each([
    ['runkey-fin-ws-034', 'xml'],
    ['storm-hr-ws-112', 'jsonl'],
  ])(
    '%s: the same bytes as the Jira attachment, named for the ticket, and the Markdown says so',
    async (example, ext) => {
      // Act
      const run = await replay([path.join(EXAMPLES, example)], { jira: 'local', context: [], out });
      try {
        // Assess
        expect(run.errors).toEqual([]);
        expect(run.tickets.length).toBeGreaterThan(0);
        for (const t of run.tickets) {
          const name = `${t.key}-raw-events.${ext}`;
          const beside = fs.readFileSync(path.join(out, name), 'utf8');
          const markdown = fs.readFileSync(path.join(out, `${t.key}.md`), 'utf8');
          // Said once: the file beside the Markdown, not also "attached to the ticket".
          expect(markdown).toContain(`in \`${name}\`, beside this file, under the timeline's references.`);
          expect(markdown.match(/Raw events/g)).toHaveLength(1);
          expect(wellFormed(beside, ext)).toBe(true);
          // The ticket's copy in the emulator (its name carries a content hash instead).
          const base = new URL(t.url).origin;
          const issue = (await (
            await fetch(`${base}/rest/api/3/issue/${t.key}?fields=attachment`, { headers: { Authorization: AUTH } })
          ).json()) as { fields: { attachment: { id: string; filename: string }[] } };
          const files = issue.fields.attachment.filter((a) => a.filename.startsWith('raw-events-'));
          expect(files).toHaveLength(1);
          const content = await fetch(`${base}/rest/api/3/attachment/content/${files[0].id}`, {
            headers: { Authorization: AUTH },
          });
          expect(await content.text()).toBe(beside);
        }
      } finally {
        await run.close();
      }
    },
  );
});
