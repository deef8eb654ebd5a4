/**
 * Workflow definitions of the seed journeys and template, made with the definition builder: small,
 * valid designs (a segment group, then an email or a custom channel tile).
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 */
import { journey, type BuiltJourney } from '../../definition/index.js';

/** A design: the definition and the designer state that must travel with it. */
export type SeedDesign = BuiltJourney;

/** A segment the segment group includes. */
export interface SeedSegmentRef {
  id: string;
  name: string;
}

/** The tile after the segment group. */
export type SeedAction =
  | { kind: 'email'; /** null = an email tile not configured yet */ emailId: string | null; name: string; pageId?: string }
  | { kind: 'custom'; activityTypeId: string; name: string; entityId: string | null };

/** Segment group (including `segments`) followed by one action tile. */
export function segmentThen(segments: readonly SeedSegmentRef[], action: SeedAction): SeedDesign {
  const builder = journey({ target: 'contact' });
  const group = builder.segmentGroup({ title: 'Segment group', include: segments.map((segment) => ({ id: segment.id, name: segment.name })) });
  if (action.kind === 'email') {
    group.email({
      id: action.emailId,
      ...(action.emailId === null ? { title: action.name } : { name: action.name }),
      ...(action.pageId ? { pages: [{ id: action.pageId, name: 'Event registration page' }] } : {}),
    });
  } else {
    group.custom({ type: action.activityTypeId, id: action.entityId, title: action.name });
  }
  return builder.build();
}
