import { IOC_TYPES } from '../model/enrichment';
import { IOC_TYPE_LABELS, clip } from '../model/report';
import type { AdfDoc, AdfInline, AdfListItem } from './adf-nodes';
import { blocks, bulletList, doc, listItem, paragraph, strong, text } from './adf-nodes';
import type { IncidentDelta, IncidentSnapshot } from './delta';
import { diffIncident, isEmptyDelta } from './delta';

/**
 * Ticket comments for later evidence: only what is new since the ticket last changed. Lists are capped so a
 * comment stays far below Jira's 32,767-character limit whatever a storm brings.
 */

const MAX_ITEMS = 20;
const MAX_VALUE = 200;

function codeList(values: string[]): AdfInline[] {
  const shown = values.slice(0, MAX_ITEMS);
  const out: AdfInline[] = shown.flatMap((v, i) => [
    ...text(i > 0 ? ', ' : ''),
    ...text(clip(v, MAX_VALUE), [{ type: 'code' }]),
  ]);
  if (values.length > MAX_ITEMS) out.push(...text(` and ${values.length - MAX_ITEMS} more`));
  return out;
}

function deltaItems(d: IncidentDelta): AdfListItem[] {
  const items: AdfListItem[] = [];
  if (d.severity !== undefined) {
    const verb = d.severity.to > d.severity.from ? 'raised' : 'changed';
    items.push(listItem(paragraph(strong('Severity: '), text(`${verb} from ${d.severity.from} to ${d.severity.to}.`))));
  }
  if (d.priority !== undefined) {
    items.push(
      listItem(
        paragraph(
          strong('Priority: '),
          text(
            `${d.priority.from} → ${d.priority.to} for the new severity (the ticket's priority is raised, never lowered).`,
          ),
        ),
      ),
    );
  }
  if (d.newHosts.length > 0)
    items.push(listItem(paragraph(strong('New hosts: '), codeList(d.newHosts.map((h) => h.toUpperCase())))));
  if (d.newUsers.length > 0) items.push(listItem(paragraph(strong('New users: '), codeList(d.newUsers))));
  if (d.newTechniques.length > 0)
    items.push(listItem(paragraph(strong('New ATT&CK techniques: '), codeList(d.newTechniques))));
  if (d.newIocs.length > 0) {
    // Network and hash indicators first (the model's type order): decoys' paths must not push the C2 off the list.
    const ranked = [...d.newIocs].sort((a, b) => IOC_TYPES.indexOf(a.type) - IOC_TYPES.indexOf(b.type));
    const shown = ranked.slice(0, MAX_ITEMS);
    const iocItems = shown.map((i) =>
      listItem(
        paragraph(
          text(`${IOC_TYPE_LABELS[i.type] ?? i.type}: `),
          text(clip(i.defanged, MAX_VALUE), [{ type: 'code' }]),
        ),
      ),
    );
    if (d.newIocs.length > MAX_ITEMS)
      iocItems.push(listItem(paragraph(text(`and ${d.newIocs.length - MAX_ITEMS} more`))));
    const nested = bulletList(iocItems);
    items.push(listItem(paragraph(strong('New indicators (defanged):')), ...(nested !== undefined ? [nested] : [])));
  }
  return items;
}

function alertsLine(d: IncidentDelta): AdfInline[] {
  if (d.newAlerts === 0)
    return text(`No new alerts; the incident has ${d.alertCount.toLocaleString('en-US')} in total.`);
  const word = d.newAlerts === 1 ? 'alert' : 'alerts';
  return text(`${d.newAlerts.toLocaleString('en-US')} new ${word}, ${d.alertCount.toLocaleString('en-US')} in total.`);
}

function deltaBody(d: IncidentDelta): ReturnType<typeof blocks> {
  const items = deltaItems(d);
  const nothingElse =
    d.newHosts.length + d.newUsers.length + d.newTechniques.length + d.newIocs.length === 0
      ? paragraph(text('No new hosts, users, techniques or indicators.'))
      : undefined;
  return blocks(paragraph(alertsLine(d)), bulletList(items), nothingElse);
}

/** A comment rendering an already computed delta. */
export function renderDeltaComment(delta: IncidentDelta): AdfDoc {
  const headline = isEmptyDelta(delta)
    ? 'No new evidence since the last update.'
    : 'New evidence since the last update.';
  return doc(blocks(paragraph(strong(headline)), deltaBody(delta)));
}

/**
 * The update comment for a ticket: what `next` adds to what the ticket showed (`prev`).
 *
 * @example
 * await jira.addComment(key, renderUpdateComment(storedSnapshot, snapshotOf(incident, report.priority.level)));
 */
export function renderUpdateComment(prev: IncidentSnapshot, next: IncidentSnapshot): AdfDoc {
  return renderDeltaComment(diffIncident(prev, next));
}

/** The comment posted with a reopen transition: why it was reopened, then what is new. */
export function renderReopenComment(delta: IncidentDelta, reason: string): AdfDoc {
  return doc(
    blocks(
      paragraph(
        strong('Reopened: '),
        text(clip(reason.replace(/\s+/g, ' ').trim() || 'new alerts for this incident', 500)),
      ),
      deltaBody(delta),
    ),
  );
}
