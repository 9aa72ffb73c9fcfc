import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indicatorKey } from '../../core/enrich';
import type { AssetContext, IndicatorContext, UserContext } from '../../core/model/enrichment';
import { hostKey, userKey } from '../../core/model/host';
import { batchPut } from './batch';
import { KEYS } from './keys';

/** `a2t context import`: assets, users and indicators as `ASSET#`/`USER#`/`IOC#` items the ingest stage reads. */
export async function importContext(
  doc: DynamoDBDocumentClient,
  table: string,
  ctx: { assets: AssetContext[]; users: UserContext[]; indicators: IndicatorContext[] },
): Promise<{ assets: number; users: number; indicators: number }> {
  const indicators = ctx.indicators.flatMap((i) => {
    const key = indicatorKey(i.type, i.value);
    return key === undefined ? [] : [{ ...KEYS.indicator(key), data: i }];
  });
  await batchPut(doc, table, [
    ...ctx.assets.map((a) => ({ ...KEYS.asset(hostKey(a.host)), data: a })),
    ...ctx.users.map((u) => ({ ...KEYS.user(userKey(u.user)), data: u })),
    ...indicators,
  ]);
  return { assets: ctx.assets.length, users: ctx.users.length, indicators: indicators.length };
}
