import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures';
import { RemoteExecutionContext } from '../../src';

describe('RemoteExecutionContext.parse', () => {
  it('reads the documented webhook body: typed Target, untyped pre- and post-images', () => {
    const body = fixture('update-with-images.json');
    // The fixture has the documented shape: images without __type, escaped slashes.
    const raw = JSON.parse(body);
    expect(raw.PreEntityImages[0].value.__type).toBeUndefined();
    expect(raw.PostEntityImages[0].value.__type).toBeUndefined();
    expect(raw.InputParameters[0].value.__type).toBe('Entity:http://schemas.microsoft.com/xrm/2011/Contracts');
    expect(body).toContain('"\\/Date(1717236000000)\\/"');

    const ctx = RemoteExecutionContext.parse(body);
    expect(ctx.messageName).toBe('Update');
    expect(ctx.primaryEntityName).toBe('contact');
    expect(ctx.primaryEntityId).toBe('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9');
    expect([ctx.stage, ctx.mode, ctx.depth]).toEqual([40, 1, 1]);
    expect(ctx.operationCreatedOn).toBeInstanceOf(Date);
    expect(ctx.operationCreatedOn.toISOString()).toBe('2024-06-01T10:00:00.123Z'); // the offset is informational
    expect(ctx.inputParameters.Target.attributes.firstname).toBe('Jamie');
    expect(ctx.inputParameters.Target.attributes.modifiedby).toEqual({ logicalName: 'systemuser', id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' });
    expect(ctx.inputParameters.Target.attributes).toHaveProperty('modifiedonbehalfby', null);

    const post = ctx.postEntityImages.AsynchronousStepPrimaryName;
    expect(post).toEqual({
      logicalName: 'contact',
      id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
      attributes: { fullname: 'Jamie Reyes', contactid: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9' },
      formattedValues: {},
      relatedEntities: {},
    });
    const pre = ctx.preEntityImages.PreImage;
    expect(pre.logicalName).toBe('contact');
    expect(pre.attributes.firstname).toBe('Jim');
    expect(pre.attributes.parentcustomerid).toEqual({ logicalName: 'account', id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d', name: 'Fourth Coffee' });
    expect(pre.attributes.creditlimit).toBe(1000);
    expect(pre.attributes).toHaveProperty('telephone1', null);
    expect(pre.formattedValues).toEqual({ creditlimit: '$1,000.00' });

    expect(ctx.parentContext?.stage).toBe(30);
    expect(ctx.parentContext?.isInTransaction).toBe(true);
    expect(ctx.parentContext?.parentContext).toBeUndefined(); // "ParentContext": null
    expect(ctx.parentContext?.inputParameters.Target.attributes.firstname).toBe('Jamie');
    expect(ctx.parentContext?.inputParameters.SuppressDuplicateDetection).toBe(false);
    expect(ctx.parentContext?.owningExtension).toBeUndefined();
    expect(ctx.parentContext?.requestId).toBe('2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e');
    expect(ctx.parentContext?.sharedVariables.ChangedEntityTypes.map((p: any) => p.key)).toEqual(['contact', 'annotation']);
    expect(ctx.owningExtension).toEqual({ logicalName: 'sdkmessageprocessingstep', id: '8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b' });
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
  });

  it('reads a Create: choice collections, negative dates with offsets, untyped rows of an EntityCollection, AliasedValue, RelatedEntities', () => {
    const ctx = RemoteExecutionContext.parse(fixture('create.json'));
    expect([ctx.messageName, ctx.stage, ctx.mode, ctx.isSynchronous]).toEqual(['Create', 20, 0, true]);
    const target = ctx.inputParameters.Target;
    const a = target.attributes;
    expect(a.name).toBe('Fourth Coffee');
    expect(a.creditlimit).toBe(50000);
    expect(a.industrycode).toBe(7);
    expect(a.msdyn_regions).toEqual([100000000, 100000002]);
    expect(a.primarycontactid).toEqual({ logicalName: 'contact', id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', name: 'Jamie Reyes' });
    expect(a.lastonholdtime).toEqual(new Date(-86400000));
    expect([a.donotemail, a.numberofemployees, a.description]).toEqual([false, 120, null]);
    expect(target.relatedEntities).toEqual({
      contact_customer_accounts: [
        { logicalName: 'contact', id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', attributes: { lastname: 'Reyes' }, formattedValues: {}, relatedEntities: {} },
      ],
    });
    expect(ctx.inputParameters.SuppressDuplicateDetection).toBe(false);
    const parties = ctx.sharedVariables.RelatedParties;
    expect(parties.map((p: any) => [p.logicalName, p.attributes.partyid.logicalName, p.attributes.participationtypemask, p.attributes.score])).toEqual([
      ['activityparty', 'contact', 1, 42],
      ['activityparty', 'queue', 2, 7],
    ]);
    expect(parties[1].attributes.partyid.name).toBe('Orders');
    expect(parties[0].formattedValues).toEqual({ participationtypemask: 'Sender' });
    expect(ctx.parentContext).toBeUndefined();
    expect(ctx.preEntityImages).toEqual({});
  });

  it('reads a Delete: the Target is a reference, the untyped pre-image an entity', () => {
    const ctx = RemoteExecutionContext.parse(fixture('delete.json'));
    expect(ctx.messageName).toBe('Delete');
    expect(ctx.depth).toBe(2);
    expect(ctx.isolationMode).toBe(2);
    expect(ctx.inputParameters.Target).toEqual({ logicalName: 'account', id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d' });
    expect(ctx.preEntityImages.PreImage.attributes).toEqual({ name: 'Fourth Coffee', statecode: 1, revenue: null });
    expect(ctx.preEntityImages.PreImage.formattedValues).toEqual({ statecode: 'Inactive' });
  });

  it('decodes an entity-shaped object without __type wherever it appears, and leaves other objects alone', () => {
    const untyped = { Attributes: [{ key: 'name', value: 'x' }], Id: '1', LogicalName: 'account', FormattedValues: [], RelatedEntities: [] };
    const ctx = RemoteExecutionContext.fromObject({
      MessageName: 'contoso_Approve',
      PrimaryEntityName: 'account',
      Stage: 40,
      Mode: 1,
      InputParameters: [
        { key: 'Row', value: untyped },
        { key: 'Rows', value: [untyped] },
        { key: 'Plain', value: { LogicalName: 'account', Something: 1 } },
      ],
      OutputParameters: [{ key: 'Result', value: { Attributes: [{ key: 'inner', value: untyped }], LogicalName: 'contoso_result', Id: '2' } }],
    });
    expect(ctx.inputParameters.Row.attributes).toEqual({ name: 'x' });
    expect(ctx.inputParameters.Rows[0].logicalName).toBe('account');
    expect(ctx.inputParameters.Plain).toEqual({ LogicalName: 'account', Something: 1 });
    expect(ctx.outputParameters.Result.attributes.inner.attributes.name).toBe('x');
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
      [
        'an image that is not an entity',
        '{"MessageName":"Update","PrimaryEntityName":"account","Stage":40,"Mode":1,"PreEntityImages":[{"key":"PreImage","value":5}]}',
        /image "PreImage" is not an Entity/,
      ],
      [
        'an image that is a reference',
        '{"MessageName":"Update","PrimaryEntityName":"account","Stage":40,"Mode":1,"PostEntityImages":[{"key":"PostImage","value":{"Id":"1","LogicalName":"account","Name":null}}]}',
        /image "PostImage" is not an Entity .*LogicalName.*Attributes/,
      ],
      [
        'an image whose attributes are not key/value pairs',
        '{"MessageName":"Update","PrimaryEntityName":"account","Stage":40,"Mode":1,"PreEntityImages":[{"key":"PreImage","value":{"LogicalName":"account","Attributes":{"name":"x"}}}]}',
        /image "PreImage" is not an Entity/,
      ],
      ['a parent context that is not an object', '{"MessageName":"Update","PrimaryEntityName":"account","Stage":40,"Mode":1,"ParentContext":7}', /ParentContext is 7/],
    ];
    for (const [what, body, message] of cases) {
      it(what, () => {
        expect(() => RemoteExecutionContext.parse(body)).toThrow(message);
      });
    }
  });
});
