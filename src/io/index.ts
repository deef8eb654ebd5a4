/** Reading journey documents: definitions, records, validate requests, export folders and specs. */
export {
  loadJourneyDocument,
  loadJourneyText,
  EXPORT_FILES,
  type JourneyDocument,
  type JourneyDocumentKind,
  type LoadJourneyDocumentOptions,
} from './loadJourneyDocument.js';
export { loadJourneyDocuments, type LoadedJourneyDocument } from './loadJourneyDocuments.js';
export { expandInputs, globToRegExp, isGlob, DOCUMENT_EXTENSIONS } from './expandInputs.js';
export { readInputText, readProcessStdin, STDIN, type ReadInputOptions } from './readInput.js';
export {
  parseText,
  parseJsonText,
  parseYamlText,
  pointerTokens,
  withSourcePosition,
  type ParsedText,
  type SourcePosition,
  type TextSyntax,
} from './parseText.js';
