/**
 * The Dataverse Web API client: connection and auth, a pipeline of retry/throttling/logging
 * policies, record operations, paging, `$batch`, bulk writes, metadata probes and typed errors.
 */
export * from './DataverseClient.js';
export * from './errors.js';
export * from './auth.js';
export * from './credentials.js';
export * from './connection.js';
export * from './clock.js';
export { IdentityPool, type IdentityOptions, type IdentityStats } from './identityPool.js';
export * from './prefer.js';
export * from './odata.js';
export * from './paging.js';
export * from './pipeline.js';
export * from './limiter.js';
export * from './transport.js';
export * from './storedValues.js';
export * from './responseBody.js';
export { mapBatchResults, chunkItems, type BatchOperationResult } from './batchResults.js';
export {
  MAX_BATCH_OPERATIONS,
  serializeBatch,
  parseBatchResponse,
  splitMultipart,
  boundaryOf,
  isChangeSet,
  operationCount,
  type BatchOperation,
  type ChangeSet,
  type BatchItem,
  type BatchPartResponse,
  type BatchResponseEntry,
  type SerializedBatch,
} from './batch.js';
export { createMany, updateMany, type BulkOptions, type BulkProgress, type BulkResult, type BulkFailure, type CreateManyOptions, type UpdateManyOptions, type RecordUpdate } from './bulk.js';
export { findPrimaryKey, MetadataCache } from './metadata.js';
export { parseRetryAfter, backoffDelay, resolveRetryOptions, RetryStrategy, type RetryOptions, type ResolvedRetryOptions } from './policies/retryStrategy.js';
export { retryPolicy, type RetryInfo, type RetryPolicyOptions } from './policies/retryPolicy.js';
export { concurrencyPolicy } from './policies/concurrencyPolicy.js';
export { authPolicy } from './policies/authPolicy.js';
export { affinityPolicy } from './policies/affinityPolicy.js';
export { headersPolicy } from './policies/headersPolicy.js';
export { loggingPolicy, redactHeaders, redactUrl, type DataverseLogger, type LogLevel } from './policies/loggingPolicy.js';
export { requestIdPolicy } from './policies/requestIdPolicy.js';
export { userAgentPolicy, defaultUserAgent } from './policies/userAgentPolicy.js';
