// Every pattern with its defaults only, one stack each: what the checkov analysis
// (test/policy/checkov/findings.ts) was read against and what the coverage test synthesizes.
// Run it alone to look at the output: `npx tsx --tsconfig tsconfig.dev.json test/policy/checkov/default-stacks.ts <outdir>`.
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack } from 'cdktf';
import { CustomApiGateway, DataverseEnvironment, EventHubFanout, OutboundQueueIntegration, RelayIntegration, ServiceBusEntityKind, WebhookFunction } from '../../../src';

const CODE = path.join(__dirname, '..', '..', '..', 'examples', 'functions', 'validate-account');
const steps = [{ table: 'account', message: 'Create' }];

/** Stack name -> the pattern it holds (with the only props that have no default). */
export const DEFAULT_STACKS: Record<string, (scope: TerraformStack, env: DataverseEnvironment, rg: ResourceGroup) => void> = {
  queue: (s, dataverse, resourceGroup) => new OutboundQueueIntegration(s, 'orders', { dataverse, resourceGroup, steps }),
  topic: (s, dataverse, resourceGroup) => new OutboundQueueIntegration(s, 'orders', { dataverse, resourceGroup, steps, entityKind: ServiceBusEntityKind.TOPIC }),
  'fanout-capture': (s, dataverse, resourceGroup) => new EventHubFanout(s, 'changes', { dataverse, resourceGroup, steps, capture: {} }),
  relay: (s, dataverse, resourceGroup) => new RelayIntegration(s, 'onprem', { dataverse, resourceGroup, steps }),
  webhook: (s, dataverse, resourceGroup) => new WebhookFunction(s, 'validate', { dataverse, resourceGroup, steps, code: CODE }),
  gateway: (s, dataverse, resourceGroup) => new CustomApiGateway(s, 'partners', { dataverse, resourceGroup, publisherName: 'Contoso', publisherEmail: 'integration@contoso.com' }),
};

/** An app with one stack per pattern; returns the app (synthesize it to write cdktf.out). */
export function defaultApp(outdir: string): { app: App; stacks: Record<string, TerraformStack> } {
  const app = new App({ outdir });
  const stacks: Record<string, TerraformStack> = {};
  for (const [name, build] of Object.entries(DEFAULT_STACKS)) {
    const stack = new TerraformStack(app, name);
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const rg = new ResourceGroup(stack, 'rg', { name: `rg-${name}`, location: 'westeurope' });
    const env = new DataverseEnvironment(stack, 'dataverse', {
      url: 'https://contoso.crm4.dynamics.com',
      solutionUniqueName: 'ContosoIntegration',
      diagram: false,
    });
    build(stack, env, rg);
    stacks[name] = stack;
  }
  return { app, stacks };
}

if (require.main === module) {
  defaultApp(process.argv[2] ?? 'cdktf.out.defaults').app.synth();
}
