/**
 * Platform tables: contacts, accounts, users, teams, business units, workflows, web resources,
 * time zones. Attribute limits follow the Dataverse table references.
 */
import { Tables } from '../../../model/names.js';
import type { EntityDefinition } from '../types.js';
import { bool, choices, int, lookup, memo, picklist, text } from './define.js';

const contact: EntityDefinition = {
  ...Tables.contact,
  attributes: [
    text('firstname', 50),
    text('lastname', 50),
    // fullname is composed by Dataverse from first and last name; the emulator composes it too.
    text('fullname', 160, { readOnly: true }),
    text('emailaddress1', 100),
    text('mobilephone', 50),
    text('telephone1', 50),
    text('jobtitle', 100),
    bool('donotemail', { default: false }),
    bool('donotbulkemail', { default: false }),
    bool('donotphone', { default: false }),
    bool('donotsms', { default: false }),
    lookup('parentcustomerid', [Tables.account.entitySet, Tables.contact.entitySet], 'parentcustomerid_account', {
      targetNavigation: { [Tables.account.entitySet]: 'parentcustomerid_account', [Tables.contact.entitySet]: 'parentcustomerid_contact' },
    }),
  ],
};

const account: EntityDefinition = {
  ...Tables.account,
  attributes: [
    text('name', 160, { required: true }),
    text('accountnumber', 20),
    text('emailaddress1', 100),
    text('telephone1', 50),
    int('numberofemployees', 0, 1_000_000_000),
    bool('donotemail', { default: false }),
    bool('donotbulkemail', { default: false }),
    lookup('primarycontactid', [Tables.contact.entitySet], 'primarycontactid'),
  ],
};

const systemUser: EntityDefinition = {
  ...Tables.systemUser,
  ownership: 'none',
  attributes: [
    text('firstname', 64),
    text('lastname', 64),
    text('fullname', 200),
    text('domainname', 1024),
    text('internalemailaddress', 100),
    text('azureactivedirectoryobjectid', 100),
    text('applicationid', 100),
    bool('isdisabled', { default: false }),
    lookup('businessunitid', [Tables.businessUnit.entitySet], 'businessunitid'),
  ],
};

const team: EntityDefinition = {
  ...Tables.team,
  ownership: 'none',
  attributes: [
    text('name', 160, { required: true }),
    picklist('teamtype', choices({ Owner: [0, 'Owner'], Access: [1, 'Access'], AadSecurityGroup: [2, 'Microsoft Entra ID Security Group'], AadOfficeGroup: [3, 'Microsoft Entra ID Office Group'] }), { default: 0 }),
    lookup('businessunitid', [Tables.businessUnit.entitySet], 'businessunitid'),
  ],
};

const businessUnit: EntityDefinition = {
  ...Tables.businessUnit,
  ownership: 'none',
  attributes: [text('name', 160, { required: true }), lookup('parentbusinessunitid', [Tables.businessUnit.entitySet], 'parentbusinessunitid')],
};

const workflow: EntityDefinition = {
  ...Tables.workflow,
  attributes: [
    text('name', 100, { required: true }),
    text('uniquename', 256),
    picklist('category', choices({ Workflow: [0, 'Workflow'], Dialog: [1, 'Dialog'], BusinessRule: [2, 'Business Rule'], Action: [3, 'Action'], BusinessProcessFlow: [4, 'Business Process Flow'], ModernFlow: [5, 'Modern Flow'], DesktopFlow: [6, 'Desktop Flow'] }), { default: 0 }),
    text('primaryentity', 100),
    memo('clientdata'),
    memo('xaml'),
    picklist('type', choices({ Definition: [1, 'Definition'], Activation: [2, 'Activation'], Template: [3, 'Template'] }), { default: 1 }),
  ],
  state: {
    stateOptions: choices({ Draft: [0, 'Draft'], Activated: [1, 'Activated'], Suspended: [2, 'Suspended'] }),
    statusOptions: choices({ Draft: [1, 'Draft'], Activated: [2, 'Activated'], CompanyDLPViolation: [3, 'Company DLP Violation'] }),
    defaultStatus: 1,
    stateOf: (status) => (status === 2 ? 1 : status === 3 ? 2 : 0),
  },
};

const webResource: EntityDefinition = {
  ...Tables.webResource,
  ownership: 'organization',
  attributes: [
    text('name', 256, { required: true }),
    text('displayname', 200),
    memo('content'),
    memo('description', 2000),
    picklist(
      'webresourcetype',
      choices({
        Html: [1, 'Webpage (HTML)'],
        Css: [2, 'Style Sheet (CSS)'],
        Script: [3, 'Script (JScript)'],
        Xml: [4, 'Data (XML)'],
        Png: [5, 'PNG format'],
        Jpg: [6, 'JPG format'],
        Gif: [7, 'GIF format'],
        Xap: [8, 'Silverlight (XAP)'],
        Xsl: [9, 'Style Sheet (XSL)'],
        Ico: [10, 'ICO format'],
        Svg: [11, 'Vector format (SVG)'],
        Resx: [12, 'String (RESX)'],
      }),
      { required: true },
    ),
  ],
};

const timeZoneDefinition: EntityDefinition = {
  ...Tables.timeZoneDefinition,
  ownership: 'organization',
  readOnly: true,
  attributes: [text('standardname', 100), text('userinterfacename', 100), int('timezonecode', 0, 100_000), int('bias', -1500, 1500)],
};

/** Platform tables. */
export const platformEntities: EntityDefinition[] = [contact, account, systemUser, team, businessUnit, workflow, webResource, timeZoneDefinition];
