import { ATTACHMENT_ROUTES } from './attachment-routes';
import { ISSUE_ROUTES } from './issue-routes';
import type { Handler } from './route-kit';
import { SEARCH_ROUTES } from './search-routes';
import { SITE_ROUTES } from './site-routes';

/** Every operation the emulator implements, by operationId; any other operation of the document answers 501. */
export const HANDLERS: Record<string, Handler> = {
  ...ISSUE_ROUTES,
  ...SEARCH_ROUTES,
  ...SITE_ROUTES,
  ...ATTACHMENT_ROUTES,
};
