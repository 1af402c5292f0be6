export { readDemoSeedConfig } from './config';
export type { DemoSeedConfig } from './config';
export { readDemoSeed } from './seedFile';
export type { DemoSeed } from './seedFile';
export { createDemoSeeder } from './createDemoSeeder';
export type { DemoSeedResult } from './createDemoSeeder';
export { DEMO_SEED_TASK_ID, scheduleDemoSeed } from './schedule';
