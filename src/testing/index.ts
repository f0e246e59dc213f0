/** `promptgold/testing`: test helpers for users and for promptgold's own tests. */
export { startFakeAnthropic } from './fakeAnthropic.js';
export type { FakeAnthropic, FakeAnthropicOptions, FakeModel, FakeRoute, RequestLogEntry } from './fakeAnthropic.js';
export type { Fault, FaultName, FaultRates } from './fakeFaults.js';
export type { BatchOutcome } from './fakeBatches.js';
export type { FakeReply, FakeUsage, MessagesRequestBody } from './fakeResponses.js';
