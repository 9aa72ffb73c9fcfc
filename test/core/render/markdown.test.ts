import { draftReport } from '../../../lambdas/core/draft';
import { mdCode, mdCodeBlock, mdText, renderMarkdown } from '../../../lambdas/core/render';
import { runKeyIncident } from '../draft/factories';
import { markdownSections, RENDER_FAULTS } from './helpers';
import { SCENARIOS } from './scenarios';

describe.each(SCENARIOS)('renderMarkdown: %s', (_name, make) => {
  const md = renderMarkdown(draftReport(make()));

  it('has no rendering fault words and no empty section', () => {
    expect(md).not.toMatch(RENDER_FAULTS);
    const sections = markdownSections(md);
    expect(sections.every((s) => s.lines > 0)).toBe(true);
  });

  it('is deterministic', () => {
    expect(renderMarkdown(draftReport(make()))).toBe(md);
  });
});

describe('renderMarkdown on the reference run-key incident', () => {
  const md = renderMarkdown(draftReport(runKeyIncident()));

  it('opens with the summary, the labels and the five header lines', () => {
    const [title, , labels, , ...rest] = md.split('\n');
    expect(title).toBe('# T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034');
    expect(labels).toMatch(/^\*\*Labels:\*\* `T1059\.001`, /);
    expect(rest.slice(0, 5).map((l) => /^\*\*([^:]+):\*\*/.exec(l)?.[1])).toEqual([
      'What',
      'Where',
      'Who',
      'How bad',
      'Do now',
    ]);
    expect(rest[3]).toMatch(/^\*\*How bad:\*\* P2 – High, severity 80\/100/);
  });

  it('writes the remediation as one numbered list with code spans', () => {
    expect(md).toContain(
      '**Eradication:** Delete value `WindowsSecurityUpdate` under `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run`.',
    );
    expect(md).toMatch(/^1\. \*\*Containment:\*\* Isolate FIN-WS-034 from the network/m);
  });

  it('shows the value data once, on the timeline line of its registry event', () => {
    const data = mdCode(
      'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
    );
    expect(md).toMatch(
      new RegExp(`^- \\*\\*21:25:03Z\\*\\* — .* to ${data.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} `, 'm'),
    );
    expect(md).not.toContain('## Raw evidence');
  });
});

describe('Markdown escapes', () => {
  it('escapes markup characters and breaks autolinks in text', () => {
    expect(mdText('[x](http://e.com) <b> *a* _b_ #c |d ~e & www.f.com g@h.com')).toBe(
      '\\[x\\](http\\://e.com) \\<b\\> \\*a\\* \\_b\\_ \\#c \\|d \\~e \\& www\\.f.com g\\@h.com',
    );
  });

  it('picks a code-span fence longer than any backtick run inside', () => {
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(mdCode('`x')).toBe('`` `x ``');
    expect(mdCode('')).toBe('');
  });

  it('picks a code-block fence the content cannot close', () => {
    expect(mdCodeBlock('x\n```\ny')).toBe('````text\nx\n```\ny\n````');
  });
});
