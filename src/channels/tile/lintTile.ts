/**
 * `lintTile`: the documented rules of a custom channel tile XML ({@link TILE_RULES}) as
 * findings of the shared {@link Finding} type. Locations are XPath-like paths
 * (`/LibraryTile/ResponseTypes/ResponseType[2]/@id`, 1-based indexes) plus the source line.
 */
import { basename } from 'node:path';
import { parseGuid } from '../../util/guid.js';
import type { Finding } from '../../validation/finding.js';
import { childNamed, childrenNamed, type XmlElement } from './safeXml.js';
import { parseTileRoot, REQUIRED_LOCALE_ID, TILE_FILE_SUFFIX, TILE_ROOT_ELEMENT, isTrue } from './tileConfig.js';
import { TILE_RULES, type TileRule } from './tileRules.js';

/** A tile finding: a {@link Finding} plus the 1-based source line when known. */
export interface TileFinding extends Finding {
  line?: number;
}

const CSS_SUFFIX = TILE_FILE_SUFFIX.replace(/\.xml$/, '.css');

/** ChannelProperties children the current page marks mandatory (its sample and element table). */
const MANDATORY_CHANNEL_PROPERTIES = ['EntityType', 'EntitySetName', 'ComplianceField', 'LookupViewId', 'QuickViewFormId'] as const;
const GUID_CHANNEL_PROPERTIES = ['LookupViewId', 'QuickViewFormId'] as const;

class FindingSink {
  readonly findings: TileFinding[] = [];
  constructor(private readonly file: string) {}

  add(rule: TileRule, message: string, path: string, line: number | undefined, args: string[] = []): void {
    const finding: TileFinding = {
      ruleId: rule.id,
      severity: rule.severity,
      activityId: '',
      message,
      arguments: args,
      location: { file: this.file, pointer: path },
    };
    if (line !== undefined) finding.line = line;
    this.findings.push(finding);
  }
}

/**
 * Lint a tile XML. `fileName` is the file's name or path (only its last segment is judged by
 * the naming rules) and is reported as `location.file`. Returns the findings, ordered by
 * line. Throws an {@link InputError} when the XML cannot be read safely or is not a tile.
 */
export function lintTile(fileName: string, xml: string): TileFinding[] {
  const sink = new FindingSink(fileName);
  lintFileName(basename(fileName), sink);
  const root = parseTileRoot(xml, fileName);
  lintStructure(root, basename(fileName), sink);
  return sink.findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function lintFileName(name: string, sink: FindingSink): void {
  const rules = TILE_RULES;
  if (!name.endsWith(TILE_FILE_SUFFIX)) {
    sink.add(rules.fileNameSuffix, `file name "${name}" must end with ${TILE_FILE_SUFFIX}`, '', undefined, [name]);
  }
  const stem = name.replace(/\.xml$/i, '');
  if (!/^[A-Za-z0-9_]+$/.test(stem)) {
    sink.add(rules.fileNameCharacters, `file name "${name}" may only contain letters, digits and underscores before .xml`, '', undefined, [name]);
  }
  if (name.endsWith(TILE_FILE_SUFFIX)) {
    const prefix = name.slice(0, -TILE_FILE_SUFFIX.length);
    if (!/^[A-Za-z0-9]+_[A-Za-z0-9_]+$/.test(prefix)) {
      sink.add(
        rules.fileNamePrefix,
        `file name "${name}" should be <SolutionPublisherPrefix>_<FileNamePrefix>${TILE_FILE_SUFFIX} (e.g. sample_SpecialTile${TILE_FILE_SUFFIX})`,
        '',
        undefined,
        [name],
      );
    }
  }
}

function lintStructure(root: XmlElement, fileName: string, sink: FindingSink): void {
  const rootPath = `/${TILE_ROOT_ELEMENT}`;
  const rules = TILE_RULES;

  const definition = childNamed(root, 'Definition');
  if (!definition) {
    sink.add(rules.recommendedElement, 'Definition (icon, fontFamily, cssFileName) is missing; the 2018 documentation marks it mandatory', `${rootPath}/Definition`, root.line, ['Definition']);
  } else {
    for (const attribute of ['icon', 'fontFamily', 'cssFileName']) {
      if (!definition.attributes.get(attribute)?.trim()) {
        sink.add(rules.definitionAttribute, `Definition has no ${attribute} attribute`, `${rootPath}/Definition/@${attribute}`, definition.line, [attribute]);
      }
    }
    const css = definition.attributes.get('cssFileName')?.trim();
    if (css && fileName.endsWith(TILE_FILE_SUFFIX)) {
      const expected = fileName.slice(0, -TILE_FILE_SUFFIX.length) + CSS_SUFFIX;
      if (css !== expected) {
        sink.add(rules.cssFileName, `cssFileName "${css}" should be "${expected}" (the XML file name with .css)`, `${rootPath}/Definition/@cssFileName`, definition.line, [css, expected]);
      }
    }
  }

  const channel = childNamed(root, 'ChannelProperties');
  const channelPath = `${rootPath}/ChannelProperties`;
  if (!channel) {
    sink.add(rules.mandatoryElement, 'ChannelProperties is missing', channelPath, root.line, ['ChannelProperties']);
  } else {
    for (const name of MANDATORY_CHANNEL_PROPERTIES) requireText(channel, name, channelPath, rules.mandatoryElement, sink);
    requireText(channel, 'TitleFieldName', channelPath, rules.recommendedElement, sink);
    for (const name of GUID_CHANNEL_PROPERTIES) {
      const element = childNamed(channel, name);
      if (element && element.text !== '' && parseGuid(element.text) === undefined) {
        sink.add(rules.guid, `${name} "${element.text}" is not a GUID`, `${channelPath}/${name}`, element.line, [name, element.text]);
      }
    }
  }

  lintResponseTypes(root, rootPath, sink);

  const labels = childNamed(root, 'Labels');
  if (!labels) {
    sink.add(rules.mandatoryElement, 'Labels (the tile name) is missing', `${rootPath}/Labels`, root.line, ['Labels']);
  } else if (!hasLocale(labels, 'Label')) {
    sink.add(rules.label1033, `Labels has no Label with locId="${REQUIRED_LOCALE_ID}"`, `${rootPath}/Labels`, labels.line, [REQUIRED_LOCALE_ID]);
  }
  const tooltips = childNamed(root, 'Tooltips');
  if (!tooltips) {
    sink.add(rules.mandatoryElement, 'Tooltips is missing', `${rootPath}/Tooltips`, root.line, ['Tooltips']);
  } else if (!hasLocale(tooltips, 'Tooltip')) {
    sink.add(rules.tooltip1033, `Tooltips has no Tooltip with locId="${REQUIRED_LOCALE_ID}"`, `${rootPath}/Tooltips`, tooltips.line, [REQUIRED_LOCALE_ID]);
  }
}

function lintResponseTypes(root: XmlElement, rootPath: string, sink: FindingSink): void {
  const rules = TILE_RULES;
  const container = childNamed(root, 'ResponseTypes');
  if (!container) return; // optional
  const seen = new Map<string, number>();
  const custom: string[] = [];
  childrenNamed(container, 'ResponseType').forEach((element, index) => {
    const path = `${rootPath}/ResponseTypes/ResponseType[${index + 1}]`;
    const id = element.attributes.get('id')?.trim() ?? '';
    if (id === '') {
      sink.add(rules.responseTypeId, 'ResponseType has no id attribute', `${path}/@id`, element.line);
    } else if (seen.has(id)) {
      sink.add(rules.responseTypeDuplicate, `ResponseType id "${id}" is declared twice (first as ResponseType[${seen.get(id)}])`, `${path}/@id`, element.line, [id]);
    } else {
      seen.set(id, index + 1);
    }
    if (isTrue(element.attributes.get('custom'))) custom.push(id);
    if (custom.length === 2 && isTrue(element.attributes.get('custom'))) {
      sink.add(rules.customResponseTypeCount, `more than one ResponseType has custom="True" (${custom.join(', ')})`, `${path}/@custom`, element.line, [...custom]);
    }
    const labels = childNamed(element, 'Labels');
    if (!labels || !hasLocale(labels, 'Label')) {
      sink.add(rules.responseTypeLabel1033, `ResponseType "${id}" has no Label with locId="${REQUIRED_LOCALE_ID}"`, `${path}/Labels`, labels?.line ?? element.line, [id, REQUIRED_LOCALE_ID]);
    }
  });
}

function requireText(parent: XmlElement, name: string, parentPath: string, rule: TileRule, sink: FindingSink): void {
  const element = childNamed(parent, name);
  if (!element) sink.add(rule, `${name} is missing from ChannelProperties`, `${parentPath}/${name}`, parent.line, [name]);
  else if (element.text === '') sink.add(rule, `${name} is empty`, `${parentPath}/${name}`, element.line, [name]);
}

function hasLocale(parent: XmlElement, childName: string): boolean {
  return childrenNamed(parent, childName).some((c) => c.attributes.get('locId')?.trim() === REQUIRED_LOCALE_ID && c.text !== '');
}
