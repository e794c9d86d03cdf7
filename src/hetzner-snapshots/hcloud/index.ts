export * from './hcloud.types';
export * from './hcloud-api.error';
export * from './hcloud.client';
export * from './hcloud-client.options';
export * from './metadata.client';
export { type TokenCheckResult, WRITE_PROBE } from './token-check';
export { pollIntervalMs, type WaitForActionOptions } from './action-waiter';
export * from './hcloud-retry.policy';
