import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // better-sqlite3 is a native addon: forks isolate it more predictably than worker threads.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Tests that point third-party clients at the emulator must not be routed through a proxy.
    env: { http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' },
  },
});
