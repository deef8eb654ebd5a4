/** The reporter's durable SQLite ledger. */
export { ReporterLedger, LedgerEnvironmentError, describeEnvironment, sameEnvironment, ledgerFileFor, type LedgerEnvironment, type ReportEntry, type ReportKey, type ReportState, type DeadActivity, type LedgerCounts, type LedgerOptions } from './ReporterLedger.js';
