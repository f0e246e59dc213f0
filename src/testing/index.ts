/** `promptgold/testing`: test helpers for users and for promptgold's own tests. */
export { startFakeAnthropic } from './fakeAnthropic.js';
export type { FakeAnthropic, FakeAnthropicOptions, FakeRoute, RequestLogEntry } from './fakeAnthropic.js';
export { FAKE_RATE_LIMITS_AS_OF, defaultFamilyLimits, fakeModelsFromTable } from './fakeModels.js';
export type { FakeModel, FamilyLimits } from './fakeModels.js';
export { faultFromName, spendLimitFault } from './fakeFaults.js';
export type { Fault, FaultName, FaultRates, StatusFault } from './fakeFaults.js';
export type { BatchOutcome } from './fakeBatches.js';
export { unsupportedSchemaConstruct } from './fakeSchema.js';
export type { FakeReply, FakeUsage, MessagesRequestBody } from './fakeResponses.js';
