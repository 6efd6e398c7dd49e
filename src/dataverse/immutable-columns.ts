/**
 * Columns Dataverse sets once, at creation: the Web API ignores a new value on update without an
 * error, so a change must replace the row (delete, then create). Per table. Source: Microsoft Learn,
 * "CustomAPI tables" (custom-api-tables): the columns marked "Cannot be changed after it is saved"
 * for customapi, customapirequestparameter and customapiresponseproperty. The command line plans a
 * change of one of these as a replace; provider mode forces a new resource.
 * @internal
 */
export const IMMUTABLE_COLUMNS: { readonly [table: string]: readonly string[] } = {
  customapi: ['uniquename', 'bindingtype', 'boundentitylogicalname', 'isfunction', 'allowedcustomprocessingsteptype'],
  customapirequestparameter: ['uniquename', 'type', 'isoptional', 'logicalentityname'],
  customapiresponseproperty: ['uniquename', 'type', 'logicalentityname'],
  // An alternate key is created once and never updated: any change replaces it (its index is rebuilt).
  entitykey: ['entitylogicalname', 'schemaname', 'logicalname', 'displayname', 'keyattributes', 'languagecode'],
};
