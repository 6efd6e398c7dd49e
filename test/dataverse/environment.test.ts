import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DataverseEnvironment } from '../../src';
import { newStack, validationErrors } from '../helpers';

function envErrors(props: { url: string; solutionUniqueName?: string; publisherPrefix?: string }): string[] {
  const app = Testing.app();
  const stack = new TerraformStack(app, 's');
  new DataverseEnvironment(stack, 'dataverse', props);
  return validationErrors(stack);
}

describe('DataverseEnvironment', () => {
  it('normalises the URL: lowercase host, no trailing slash', () => {
    const { dataverse } = newStack({ url: 'https://Contoso.CRM4.dynamics.com/' });
    expect(dataverse.url).toBe('https://contoso.crm4.dynamics.com');
    expect(dataverse.hostName).toBe('contoso.crm4.dynamics.com');
  });

  it.each([
    ['http://contoso.crm.dynamics.com', 'uses http, not https'],
    ['https://contoso.crm.dynamics.com/main.aspx', 'has a path (/main.aspx)'],
    ['https://contoso.crm.dynamics.com/?a=1', 'has a query or fragment'],
    ['https://contoso.crm.dynamics.com:8443', 'names a port (8443)'],
    ['contoso.crm.dynamics.com', 'is not a URL'],
  ])('rejects the url %s', (url, problem) => {
    const errors = envErrors({ url });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('[s/dataverse]');
    expect(errors[0]).toContain(problem);
    expect(errors[0]).toContain("Fix: pass the environment's https URL");
  });

  it('rejects a solution display name and a bad publisher prefix, together', () => {
    const errors = envErrors({ url: 'https://x.crm.dynamics.com', solutionUniqueName: 'Contoso Integration', publisherPrefix: 'mscrmx' });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("solutionUniqueName 'Contoso Integration' is not a solution unique name");
    expect(errors[1]).toContain("publisherPrefix 'mscrmx' is not a publisher prefix");
  });

  it('accepts good solution and prefix values', () => {
    expect(envErrors({ url: 'https://x.crm.dynamics.com', solutionUniqueName: 'ContosoIntegration', publisherPrefix: 'contoso' })).toEqual([]);
  });

  it('allows one environment per stack', () => {
    const { stack } = newStack();
    new DataverseEnvironment(stack, 'second', { url: 'https://other.crm.dynamics.com' });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('[test/second] a stack holds one DataverseEnvironment');
    expect(errors[0]).toContain('Fix: put each environment in its own TerraformStack');
  });

  it('records an info annotation when no solution is named, and none when one is', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const without = new DataverseEnvironment(stack, 'dataverse', { url: 'https://x.crm.dynamics.com' });
    expect(without.node.metadata.map((m) => String(m.data)).join('\n')).toContain('No solutionUniqueName');
    const { dataverse } = newStack();
    expect(dataverse.node.metadata.map((m) => String(m.data)).join('\n')).not.toContain('No solutionUniqueName');
  });

  it('renders an empty manifest when nothing is registered', () => {
    const { dataverse } = newStack({ publisherPrefix: 'contoso' });
    expect(dataverse.toManifest()).toEqual({
      manifestVersion: 1,
      appId: 'cdktf-dataverse-examples',
      stack: 'test',
      environment: { url: 'https://contoso.crm4.dynamics.com', solutionUniqueName: 'ContosoIntegration', publisherPrefix: 'contoso' },
      records: [],
    });
  });
});
