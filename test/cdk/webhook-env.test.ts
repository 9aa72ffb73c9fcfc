import { defaultTemplate } from './helpers';

describe('the webhook function', () => {
  it('knows the Jira project, so a verdict on an issue of another project is ignored', () => {
    const fns = defaultTemplate().findResources('AWS::Lambda::Function');
    const webhook = Object.entries(fns).find(([id]) => id.includes('Webhook'));
    const env = (webhook![1].Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(env.A2T_JIRA_PROJECT_KEY).toBe('SOC');
  });
});
