import type { FormatAdapter } from '../types';
import { crowdstrikeAlertV2, crowdstrikeDetectionSummary, crowdstrikeEppDetectionSummary } from './crowdstrike';
import { defenderGraphAlert, defenderMdeAlert } from './defender';
import { elasticDefendAlert } from './elastic';
import { genericAlert } from './generic';
import { ocsfFinding } from './ocsf';
import { securityHubFinding } from './securityhub';
import { sentinelOneThreat } from './sentinelone';
import { wazuhAlert } from './wazuh';
import { VENDOR_ADAPTERS } from './vendors';

/**
 * EDR, cloud-finding and generic alert adapters, in detection order. Vendor detections are mutually exclusive (each
 * keys on fields only its vendor writes), so their order only matters for cost: the cheapest, most common checks
 * first. The generic adapter is the catch-all and must stay last, here and in the registry (after the Sysmon
 * adapters too): it claims any object with a host and a rule, technique or severity that no vendor claimed.
 */
export const edrAdapters: FormatAdapter[] = [...VENDOR_ADAPTERS, genericAlert];

export {
  crowdstrikeAlertV2,
  crowdstrikeDetectionSummary,
  crowdstrikeEppDetectionSummary,
  defenderGraphAlert,
  defenderMdeAlert,
  elasticDefendAlert,
  genericAlert,
  ocsfFinding,
  securityHubFinding,
  sentinelOneThreat,
  wazuhAlert,
};
