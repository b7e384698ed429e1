// Runs the GraphQL-over-HTTP audits of graphql-http (auditServer) against a running
// policygraph server and fails when a MUST audit fails or a SHOULD audit fails without an
// entry in EXPLAINED (each entry is discussed in docs/conformance.md).
//
//   node audit.mjs http://127.0.0.1:8080/graphql [--json report.json]
import { auditServer } from 'graphql-http';
import { writeFileSync } from 'node:fs';

// SHOULD audits that policygraph deliberately does not pass, by audit id, with the reason
// (docs/conformance.md has the longer version). Keep this list empty unless the README
// explains the entry.
export const EXPLAINED = {};

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL [--json FILE]');
  process.exit(2);
}
const jsonAt = process.argv.indexOf('--json');

const results = await auditServer({ url });
let failedMust = 0;
let failedShould = 0;
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const report = [];
for (const r of results) {
  counts[r.status]++;
  let line = `${r.status.padEnd(6)} ${r.id} ${r.name}`;
  let reason = r.status === 'ok' ? '' : r.reason;
  let body = '';
  if (r.status !== 'ok') {
    try {
      body = await r.response.text();
    } catch {
      body = '(body already read)';
    }
    line += `\n         ${reason}\n         status ${r.response.status}: ${body.slice(0, 300)}`;
    if (r.name.startsWith('MUST')) failedMust++;
    else if (r.name.startsWith('SHOULD') && !EXPLAINED[r.id]) failedShould++;
    else if (EXPLAINED[r.id]) line += `\n         explained: ${EXPLAINED[r.id]}`;
  }
  report.push({ id: r.id, name: r.name, status: r.status, reason, httpStatus: r.response?.status, body: body.slice(0, 1000) });
  console.log(line);
}
console.log(`\n${results.length} audits: ${counts.ok} ok, ${counts.error} error (MUST), ${counts.warn} warn (SHOULD), ${counts.notice} notice (MAY)`);
if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(report, null, 2));
if (failedMust > 0 || failedShould > 0) {
  console.error(`FAIL: ${failedMust} MUST audit(s) and ${failedShould} unexplained SHOULD audit(s) failed`);
  process.exit(1);
}
console.log('conformance: every MUST audit passes; every failing SHOULD audit is explained');
