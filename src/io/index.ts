/**
 * Reading documents: the one JSON/JSONC/YAML reader (size and depth limits, byte-order mark,
 * positions, typed errors) and the journey documents built on it (definitions, records,
 * validate requests, export folders and specs).
 */
export {
  loadJourneyDocument,
  loadJourneyDocumentSync,
  loadJourneyText,
  loadParsedJourney,
  locateError,
  EXPORT_FILES,
  type JourneyDocument,
  type JourneyDocumentKind,
  type LoadJourneyDocumentOptions,
} from './loadJourneyDocument.js';
export { expandInputs, expandInputPaths, globToRegExp, isGlob, DOCUMENT_EXTENSIONS, type InputPath } from './expandInputs.js';
export {
  readDocument,
  readDocumentSync,
  readInputText,
  readInputTextSync,
  readProcessStdin,
  STDIN,
  type ReadInputOptions,
  type ReadDocumentOptions,
} from './readInput.js';
export {
  parseText,
  parseJsonText,
  parseJsoncText,
  parseYamlText,
  pointerTokens,
  syntaxOf,
  LineIndex,
  type ParsedText,
  type ParseTextOptions,
  type SourcePosition,
  type TextSyntax,
} from './parseText.js';
export { DocumentError, isDocumentError, isUnreadableOrUnparseable, type DocumentErrorReason, type DocumentFailure } from './documentError.js';
export { READ_LIMITS, type ReadLimits } from './limits.js';
export { loadJourneyDocuments, isSkipped, type LoadedJourneyDocument } from './loadJourneyDocuments.js';
export { canonicalText, referenceRows, treeTitle, type CanonicalText, type ReferenceRow } from './journeyDocumentViews.js';
