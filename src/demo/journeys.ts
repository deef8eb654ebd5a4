/**
 * The journeys the demo builds: one written with the builder in code, the others compiled from
 * the YAML specs in `samples/specs/` (which the spec compiler also turns into builder calls).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { journey } from '../definition/builder.js';
import { compileSpec, type UnresolvedReference } from '../definition/spec.js';
import type { DesignerState, WorkflowDefinition } from '../definition/types.js';
import { readDocumentSync } from '../io/readInput.js';

/** A journey the demo built. */
export interface DemoJourney {
  name: string;
  /** Where it came from: `builder` or the spec's file name. */
  source: string;
  fields: Record<string, unknown>;
  definition: WorkflowDefinition;
  designerState: DesignerState;
  unresolved: UnresolvedReference[];
}

const SPEC_DIR = new URL('../../samples/specs/', import.meta.url);

/** A welcome journey written with the fluent builder: segment, email with a page, trigger, wait. */
export function buildWelcomeJourney(): DemoJourney {
  const j = journey({ target: 'contact' });
  const welcome = j
    .segmentGroup({
      title: 'New contacts',
      include: [{ id: '24db2671-1529-e911-a9b7-000d3a1e6adc', name: 'Newsletter subscribers' }],
      exclude: [{ id: '544a3e20-9b23-e911-a9b6-000d3a1e6c14', name: 'Unsubscribed contacts' }],
    })
    .email({ id: '15bd0ab8-c12a-e911-a9b6-000d3a1e6c14', name: 'Welcome email' });
  const page = welcome.addPage({ id: '46dece00-464a-e911-a873-000d3a1fe344', name: 'Welcome page' });
  const registered = welcome.trigger({ title: 'Registered?', when: [{ item: page, condition: 'UserRegistered' }], timeout: { value: 5, unit: 'Day' } });
  registered.yes.email({ id: '184e5a1a-464a-e911-a873-000d3a1fe344', name: 'Thanks for registering' });
  registered.no.waitFor({ value: 2, unit: 'Day' }).email({ id: '5a7d2f10-0c3e-4b8a-9f1e-2d6c8b4a7e01', name: 'Reminder' });
  const { definition, designerState } = j.build();
  return {
    name: 'Welcome (builder)',
    source: 'builder',
    fields: { msdyncrm_name: 'Welcome (builder)', msdyncrm_entitytarget: 0 },
    definition,
    designerState,
    unresolved: [],
  };
}

/** Every spec in samples/specs, compiled. */
export function compileSampleSpecs(): DemoJourney[] {
  const files = readdirSync(SPEC_DIR)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort();
  return files.map((name) => {
    const value = readDocumentSync(fileURLToPath(new URL(name, SPEC_DIR))).value;
    const compiled = compileSpec(value, { file: `samples/specs/${name}` });
    return { name: String(compiled.fields.msdyncrm_name), source: `samples/specs/${name}`, ...compiled };
  });
}

/** The id the demo creates its journey with, so its export folder has the same name on every run. */
export const DEMO_JOURNEY_ID = '0d3e5a1c-6b2f-4c8e-9a71-5f2d4b8c3e10';

/**
 * The journey the demo creates on the emulator, written with the builder against the emulator's
 * sample records: a segment, a welcome email with a page, a trigger on registration, then the
 * newsletter or, after two days, the invitation.
 */
export function buildEmulatorJourney(ids: {
  segment: string;
  welcomeEmail: string;
  page: string;
  newsletterEmail: string;
  invitationEmail: string;
  contentSettings: string;
}): DemoJourney {
  const j = journey({ target: 'contact' });
  const welcome = j
    .segmentGroup({ title: 'All contacts', include: [{ id: ids.segment, name: 'All contacts' }] })
    .email({ id: ids.welcomeEmail, name: 'Welcome email' });
  const page = welcome.addPage({ id: ids.page, name: 'Event registration page' });
  const registered = welcome.trigger({ title: 'Registered?', when: [{ item: page, condition: 'UserRegistered' }], timeout: { value: 5, unit: 'Day' } });
  registered.yes.email({ id: ids.newsletterEmail, name: 'Monthly newsletter' });
  registered.no.waitFor({ value: 2, unit: 'Day' }).email({ id: ids.invitationEmail, name: 'Event invitation' });
  const { definition, designerState } = j.build();
  const year = new Date().getUTCFullYear() + 1;
  return {
    name: 'Demo: welcome and registration',
    source: 'builder',
    fields: {
      msdyncrm_customerjourneyid: DEMO_JOURNEY_ID,
      msdyncrm_name: 'Demo: welcome and registration',
      msdyncrm_entitytarget: 0,
      msdyncrm_startdatetime: `${year}-01-04T08:00:00Z`,
      msdyncrm_enddatetime: `${year}-12-20T08:00:00Z`,
      'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${ids.contentSettings})`,
    },
    definition,
    designerState,
    unresolved: [],
  };
}
