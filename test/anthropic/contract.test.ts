import { loadModelTable } from '../../src/providers/pricing.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { startFakeAnthropic } from '../../src/testing/index.js';
import { providerContract } from '../providers/contract.js';
import { clearAnthropicEnv, TEST_KEY } from './helpers.js';

providerContract('anthropic on the fake Messages API', async () => {
  clearAnthropicEnv();
  const fake = await startFakeAnthropic({ latencyMs: 5 });
  const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models: loadModelTable(), timeoutMs: 5_000 });
  return { provider, cleanup: () => fake.close() };
});
