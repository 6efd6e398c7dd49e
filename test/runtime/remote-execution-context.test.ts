import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures';
import { RemoteExecutionContext } from '../../src';

describe('RemoteExecutionContext.parse', () => {
  it('reads an Update with pre- and post-images in the fixed shape', () => {
    const ctx = RemoteExecutionContext.parse(fixture('update-with-images.json'));
    expect(ctx.messageName).toBe('Update');
    expect(ctx.primaryEntityName).toBe('contact');
    expect(ctx.primaryEntityId).toBe('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9');
    expect([ctx.stage, ctx.mode, ctx.depth]).toEqual([40, 1, 1]);
    expect(ctx.operationCreatedOn).toBeInstanceOf(Date);
    expect(ctx.operationCreatedOn.toISOString()).toBe('2024-06-01T10:00:00.123Z'); // the offset is informational
    expect(ctx.inputParameters.Target.attributes.firstname).toBe('James');
    expect(ctx.inputParameters.Target.attributes.modifiedby.logicalName).toBe('systemuser');
    expect(ctx.inputParameters.Target.attributes.modifiedby).toEqual({ logicalName: 'systemuser', id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' });
    expect(ctx.postEntityImages.AsynchronousStepPrimaryName.attributes.fullname).toBe('James Ko');
    expect(ctx.preEntityImages.PreImage.attributes.firstname).toBe('Jim');
    expect(ctx.preEntityImages.PreImage.attributes.parentcustomerid).toEqual({
      logicalName: 'account',
      id: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
      name: 'Fourth Coffee',
    });
    expect(ctx.parentContext?.stage).toBe(30);
    expect(ctx.parentContext?.isInTransaction).toBe(true);
    expect(ctx.parentContext?.parentContext).toBeUndefined();
    expect(ctx.parentContext?.inputParameters).toEqual({ ConcurrencyBehavior: 0 });
    expect(ctx.userAzureActiveDirectoryObjectId).toBe('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d');
    expect(ctx.owningExtension).toEqual({
      logicalName: 'sdkmessageprocessingstep',
      id: '8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b',
      name: 'orders/validate: Update of contact',
    });
    expect(ctx.requestId).toBeUndefined();
    expect(ctx.isSynchronous).toBe(false);
    expect([ctx.organizationName, ctx.isolationMode, ctx.isExecutingOffline]).toEqual(['contoso', 1, false]);
  });

  it('decodes typed values: Money and OptionSetValue to numbers, dates to Date, formatted values to a map', () => {
    const target = RemoteExecutionContext.parse(fixture('update-with-images.json')).inputParameters.Target;
    expect(target.logicalName).toBe('contact');
    expect(target.id).toBe('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9');
    expect(target.attributes.creditlimit).toBe(2500.5);
    expect(target.attributes.preferredcontactmethodcode).toBe(2);
    expect(target.attributes.modifiedon).toEqual(new Date(1717236000000));
    expect(target.formattedValues).toEqual({ preferredcontactmethodcode: 'Email', creditlimit: '$2,500.50' });
  });

  it('keeps unknown __type values as received instead of dropping them', () => {
    const ctx = RemoteExecutionContext.parse(fixture('update-with-images.json'));
    expect(ctx.inputParameters.Target.attributes.msdyn_custom).toEqual({
      __type: 'BooleanManagedProperty:http://schemas.microsoft.com/xrm/2011/Contracts',
      CanBeChanged: true,
      Value: false,
    });
    expect(ctx.sharedVariables.IsAutoTransact).toBe(true);
    expect(ctx.sharedVariables.ChangedEntityTypes[0].__type).toBe('KeyValuePairOfstringstring:#System.Collections.Generic');
  });

  it('reads a Create: choice collections, negative dates with offsets, EntityCollection, AliasedValue', () => {
    const ctx = RemoteExecutionContext.parse(fixture('create.json'));
    expect([ctx.messageName, ctx.stage, ctx.mode, ctx.isSynchronous]).toEqual(['Create', 20, 0, true]);
    const a = ctx.inputParameters.Target.attributes;
    expect(a.name).toBe('Fourth Coffee');
    expect(a.creditlimit).toBe(50000);
    expect(a.industrycode).toBe(7);
    expect(a.msdyn_regions).toEqual([100000000, 100000002]);
    expect(a.primarycontactid).toEqual({ logicalName: 'contact', id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', name: 'James Ko' });
    expect(a.lastonholdtime).toEqual(new Date(-86400000));
    expect([a.donotemail, a.numberofemployees, a.description]).toEqual([false, 120, null]);
    expect(ctx.inputParameters.SuppressDuplicateDetection).toBe(false);
    const parties = ctx.sharedVariables.RelatedParties;
    expect(Array.isArray(parties)).toBe(true);
    expect(parties[0].logicalName).toBe('activityparty');
    expect(parties[0].attributes.partyid.logicalName).toBe('contact');
    expect(parties[0].attributes.score).toBe(42);
    expect(ctx.parentContext).toBeUndefined();
    expect(ctx.preEntityImages).toEqual({});
  });

  it('reads a Delete: the Target is a reference', () => {
    const ctx = RemoteExecutionContext.parse(fixture('delete.json'));
    expect(ctx.messageName).toBe('Delete');
    expect(ctx.depth).toBe(2);
    expect(ctx.isolationMode).toBe(2);
    expect(ctx.inputParameters.Target).toEqual({ logicalName: 'account', id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d' });
    expect(ctx.preEntityImages.PreImage.attributes.name).toBe('Fourth Coffee');
  });

  it('reads a trimmed payload: empty parameters and images, no parent context', () => {
    const ctx = RemoteExecutionContext.parse(fixture('trimmed.json'));
    expect(ctx.inputParameters).toEqual({});
    expect(ctx.preEntityImages).toEqual({});
    expect(ctx.postEntityImages).toEqual({});
    expect(ctx.parentContext).toBeUndefined();
    expect(ctx.primaryEntityId).toBe('6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d');
  });

  it('accepts an object already parsed', () => {
    const ctx = RemoteExecutionContext.fromObject(JSON.parse(fixture('delete.json')));
    expect(ctx.messageName).toBe('Delete');
  });

  describe('malformed bodies fail with a message that says what is wrong', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['empty', '', /body is empty/],
      ['truncated JSON', fixture('malformed-truncated.txt'), /not JSON/],
      ['an array', '[1,2]', /an array/],
      ['a string', '"hello"', /a string/],
      ['null', 'null', /null/],
      ['another kind of event', fixture('malformed-not-context.json'), /lacks MessageName, PrimaryEntityName, Stage, Mode/],
      ['a collection that is not key/value pairs', fixture('malformed-bad-collection.json'), /InputParameters .*key.*value/],
      ['a date in another format', fixture('malformed-bad-date.json'), /OperationCreatedOn .*expected a date/],
      ['a stage that is not a number', '{"MessageName":"Create","PrimaryEntityName":"account","Stage":"20","Mode":0}', /Stage is "20": expected a number/],
      ['an image that is not an entity', '{"MessageName":"Update","PrimaryEntityName":"account","Stage":40,"Mode":1,"PreEntityImages":[{"key":"PreImage","value":5}]}', /image "PreImage" is not an Entity/],
      ['a parent context that is not an object', '{"MessageName":"Update","PrimaryEntityName":"account","Stage":40,"Mode":1,"ParentContext":7}', /ParentContext is 7/],
    ];
    for (const [what, body, message] of cases) {
      it(what, () => {
        expect(() => RemoteExecutionContext.parse(body)).toThrow(message);
      });
    }
  });
});
