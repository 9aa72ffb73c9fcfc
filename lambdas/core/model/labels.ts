/**
 * The label that identifies an incident's ticket, for idempotent search (`labels = "a2t-inc-…"`). Jira labels
 * cannot hold spaces; incident ids are `INC-<yyyymmdd>-<hex>`, so the label is its lower-case form.
 */
export const INCIDENT_LABEL_PREFIX = 'a2t-';

export function incidentLabel(incidentId: string): string {
  const id = incidentId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${INCIDENT_LABEL_PREFIX}${id}`.slice(0, 255).replace(/-+$/, '');
}

export function incidentIdFromLabel(label: string): string | undefined {
  const m = /^a2t-(inc-\d{8}-[0-9a-f]{6,})$/.exec(label);
  return m === null
    ? undefined
    : m[1]
        .toUpperCase()
        .replace(/^INC-(\d{8})-([0-9A-F]+)$/, (_, d: string, h: string) => `INC-${d}-${h.toLowerCase()}`);
}
