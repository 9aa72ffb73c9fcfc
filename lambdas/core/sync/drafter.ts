import { draftReport } from '../draft';
import type { DraftConfig } from '../draft';
import type { IncidentView } from '../model/incident';
// Module by module, not the render barrel: the barrel also exports the ADF schema validator (ajv and a 74 KB
// schema), which the Lambda does not need and would only add to its cold start.
import { renderAdf } from '../render/adf';
import { renderReopenComment, renderUpdateComment } from '../render/comments';
import { diffIncident } from '../render/delta';
import type { IncidentSnapshot } from '../render/delta';
import type { AdfDoc } from '../render/adf-nodes';
import type { Drafter, TicketFacts } from './ports';

/** Nothing shown yet: every fact of `next` is new. */
const NOTHING: IncidentSnapshot = {
  alertCount: 0,
  hosts: [],
  users: [],
  techniques: [],
  iocs: [],
  severity: 0,
  priority: 'P4',
};

/**
 * The marker line: how a retry finds out whether Jira already took this comment. Set as code: it is an identifier
 * for the pipeline, not prose for the analyst.
 */
function withMarker(doc: AdfDoc, marker: string): AdfDoc {
  return {
    ...doc,
    content: [
      ...doc.content,
      { type: 'paragraph', content: [{ type: 'text', text: marker, marks: [{ type: 'code' }] }] },
    ],
  };
}

/** The drafting and rendering stages, as ticket-sync's Drafter port. */
export function reportDrafter(cfg: DraftConfig = {}): Drafter {
  return {
    draft(view: IncidentView) {
      const report = draftReport(view, cfg);
      return {
        summary: report.summary,
        // The raw records are not in the description (it says they are attached): ticket-sync attaches them as a
        // file (attach-events.ts).
        description: renderAdf(report),
        labels: report.labels,
        priority: report.priority.level,
      };
    },
    updateComment(prev: TicketFacts | undefined, next: TicketFacts, _view: IncidentView, marker: string) {
      return withMarker(renderUpdateComment(prev ?? NOTHING, next), marker);
    },
    reopenComment(prev: TicketFacts | undefined, next: TicketFacts, _view: IncidentView, marker: string) {
      return withMarker(
        renderReopenComment(diffIncident(prev ?? NOTHING, next), 'new alerts arrived after the ticket was closed'),
        marker,
      );
    },
  };
}
