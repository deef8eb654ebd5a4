/** Readable summaries of a built journey: tiles by type, referenced records, designer state. */
import { collectReferences } from '../definition/index.js';
import type { DemoJourney } from './journeys.js';

/** Count of each value, in first-seen order, as `Email ×2, Trigger`. */
function counted(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => (n > 1 ? `${value} ×${n}` : value)).join(', ');
}

/** A few indented lines describing a journey. */
export function summarizeJourney(journey: DemoJourney): string {
  const tiles = journey.definition.filter((a) => a.ActivityTypeId !== 'bpf_root');
  const references = collectReferences(journey.definition);
  const resolved = references.filter((r) => r.id !== null);
  const target = tiles.find((a) => typeof a.EntityTarget === 'string')?.EntityTarget ?? 'contact';
  const lines = [
    `${journey.name}  (${journey.source}, ${target})`,
    `  tiles (${tiles.length}): ${counted(tiles.map((a) => a.ActivityTypeId))}`,
    `  references (${references.length}, ${resolved.length} by id): ${counted(references.map((r) => r.kind)) || 'none'}`,
  ];
  if (journey.unresolved.length > 0) {
    lines.push(`  to resolve by name (${journey.unresolved.length}): ${journey.unresolved.map((u) => `${u.kind} "${u.name}"`).join(', ')}`);
  }
  lines.push(`  designer state: NextActivityID ${journey.designerState.NextActivityID}, NextActivityItemID ${journey.designerState.NextActivityItemID}`);
  return lines.join('\n');
}
