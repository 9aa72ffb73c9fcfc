import { edrAdapters } from './edr/index';
import { sysmonAdapters, windowsEventAdapter } from './sysmon/index';
import type { FormatAdapter } from './types';

/**
 * Every format adapter, in the order `normalizeRecord` tries them; the first whose `detect` matches normalizes.
 *
 * - Sysmon first: its adapters match only records whose provider or channel is Sysmon, so they cannot take an EDR
 *   alert, and they must run before the generic alert adapter, which would otherwise claim any record with a host.
 * - EDR and cloud-finding adapters next, ending with the generic alert adapter.
 * - Generic Windows events (other channels) last: a record in an event-log shape that nothing else claimed.
 *
 * Each adapter's id is declared under its product in lambdas/core/model/products.ts (names, labels and the alert
 * schema's product list come from there). test/core/formats/registry-fixtures.test.ts checks that the two agree and
 * that a fixture under test/fixtures/ normalizes through every adapter listed here.
 */
export const adapters: FormatAdapter[] = [...sysmonAdapters, ...edrAdapters, windowsEventAdapter];
