// Shared helpers of the end-to-end tests: the server under test and a headless Debian
// Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Base URL of the running policygraph server (env POLICYGRAPH_URL), without a trailing slash. */
export function baseURL() {
  const u = process.env.POLICYGRAPH_URL;
  if (!u) throw new Error('POLICYGRAPH_URL is not set: start a server (e2e/run.sh does) and point the tests at it');
  return u.replace(/\/+$/, '');
}

/** Where screenshots and other artefacts go: test-output/e2e at the repository root. */
export const outDir = resolve(import.meta.dirname, '..', 'test-output', 'e2e');

/** Chromium flags for a headless run as root on a machine without network or GPU. */
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // WebGL (sigma.js draws with it) through SwiftShader, Chromium's software renderer.
  '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
];

/** Launches Chromium with a fresh profile; close() removes the profile. */
export async function launch() {
  await mkdir(outDir, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'policygraph-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** GETs a path of the server and returns the response (throws on a network error). */
export async function get(path) {
  return fetch(baseURL() + path);
}

/** Runs a GraphQL query against the server and returns its data. */
export async function gql(query, variables = {}) {
  const res = await fetch(baseURL() + '/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
