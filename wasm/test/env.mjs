// Where scripts/test-npm put the packed-and-installed package and the fixtures.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PKG = process.env.CONSENTRY_PKG ?? path.join(ROOT, 'dist/npm/consumer/node_modules/consentry');
export const FIXTURES = process.env.CONSENTRY_FIXTURES ?? path.join(ROOT, 'dist/npm/fixtures.json');
export const SCREENSHOT = process.env.CONSENTRY_SCREENSHOT ?? path.join(ROOT, 'dist/npm/portal.png');
export const fixtures = () => JSON.parse(readFileSync(FIXTURES, 'utf8'));

/** Chromium flags for root in a container (as root, Chromium refuses to start without --no-sandbox). */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-quic', '--no-first-run'],
};
