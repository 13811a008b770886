// Turns bench/scaling/run.sh's per-size results into one table: node bench/scaling/summary.mjs OUT 1 3 5
// Writes OUT/summary.tsv (metric, then one column per cluster size) and prints the same as a Markdown table.
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...sizes] = process.argv.slice(2);
const runs = sizes.map((n) => JSON.parse(readFileSync(`${out}/n${n}.json`, 'utf8')));
const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const members = (r, f) => mean(r.idle.members.map(f));
const churn = (step, k) => (r) => r.churn?.[step]?.[k];
const load = (which, k) => (r) => r[which]?.[k];

const rows = [
  ['load average at start (1 min)', (r) => Number(r.load_average.split('load average: ')[1].split(' ')[0]), 2],
  ['start to ready, mean ms', (r) => mean(r.ready_ms), 0],
  ['idle: CPU per member, % of a core', (r) => members(r, (m) => m.cpu_pct), 2],
  ['idle: RSS per member, MB', (r) => members(r, (m) => m.rss_mb), 0],
  ['idle: heap after GC per member, MB', (r) => members(r, (m) => m.heap_after_gc_mb), 1],
  ['idle: threads per member', (r) => members(r, (m) => m.threads), 0],
  ['idle: Hazelcast connections per member (in+out)', (r) => members(r, (m) => m.conns.hz_in + m.conns.hz_out), 1],
  ['idle: event-bus connections per member (in+out)', (r) => members(r, (m) => m.conns.bus_in + m.conns.bus_out), 1],
  ['idle: Hazelcast bytes/s sent per member', (r) => members(r, (m) => m.hz_sent_s), 0],
  ['idle: event-bus bytes/s sent per member', (r) => members(r, (m) => m.bus_sent_s), 0],
  ['load W=N: delivered / expected', (r) => r.load_all && `${r.load_all.delivered}/${r.load_all.expected}`],
  ['load W=N: latency p50 / p99 ms', (r) => r.load_all && `${r.load_all.latency_p50_ms} / ${r.load_all.latency_p99_ms}`],
  ['load W=N: cluster CPU per publish, ms', load('load_all', 'cpu_ms_per_publish'), 2],
  ['load W=N: cluster CPU per delivery, us', load('load_all', 'cpu_us_per_delivery'), 0],
  ['load W=N: Hazelcast bytes per publish', load('load_all', 'hz_bytes_per_publish'), 0],
  ['load W=N: event-bus bytes per publish', load('load_all', 'bus_bytes_per_publish'), 0],
  ['load W=1: delivered / expected', (r) => r.load_one && `${r.load_one.delivered}/${r.load_one.expected}`],
  ['load W=1: cluster CPU per publish, ms', load('load_one', 'cpu_ms_per_publish'), 2],
  ['load W=1: Hazelcast bytes per publish', load('load_one', 'hz_bytes_per_publish'), 0],
  ['load W=1: event-bus bytes per publish', load('load_one', 'bus_bytes_per_publish'), 0],
  ['subscribe with watch: per s (cluster)', churn('subscribe_watch', 'ops_per_s'), 0],
  ['subscribe with watch: CPU us', churn('subscribe_watch', 'cpu_us_per_op'), 0],
  ['subscribe with watch: Hazelcast bytes', churn('subscribe_watch', 'hz_bytes_per_op'), 0],
  ['subscribe with watch: event-bus bytes', churn('subscribe_watch', 'bus_bytes_per_op'), 0],
  ['subscribe, presence only: per s (cluster)', churn('subscribe_presence_only', 'ops_per_s'), 0],
  ['subscribe, presence only: CPU us', churn('subscribe_presence_only', 'cpu_us_per_op'), 0],
  ['subscribe, presence only: Hazelcast bytes', churn('subscribe_presence_only', 'hz_bytes_per_op'), 0],
  ['unsubscribe, presence only: CPU us', churn('unsubscribe_presence_only', 'cpu_us_per_op'), 0],
  ['unsubscribe, presence only: Hazelcast bytes', churn('unsubscribe_presence_only', 'hz_bytes_per_op'), 0],
  ['unsubscribe with unwatch: CPU us', churn('unsubscribe_unwatch', 'cpu_us_per_op'), 0],
  ['unsubscribe with unwatch: Hazelcast bytes', churn('unsubscribe_unwatch', 'hz_bytes_per_op'), 0],
  ['unsubscribe with unwatch: event-bus bytes', churn('unsubscribe_unwatch', 'bus_bytes_per_op'), 0],
  ['subscribe errors (all steps)', (r) => r.churn && Object.values(r.churn).reduce((s, x) => s + (x.errors || 0), 0), 0],
  ['channels held idle: cluster CPU over idle, % of a core', (r) => r.churn?.held?.extra_over_idle.cpu_pct, 1],
  ['channels held idle: Hazelcast bytes/s over idle (cluster)', (r) => r.churn?.held?.extra_over_idle.hz_bytes_s, 0],
  ['channels held idle: Hazelcast bytes/s per channel held', (r) => r.churn?.held && r.churn.held.extra_over_idle.hz_bytes_s / r.churn.held.channels, 0],
  ['channels held idle: heap after GC per member, MB', (r) => r.churn?.held && mean(r.churn.held.heap_after_gc_mb), 1],
];

const format = (v, digits) => (v === null || v === undefined || Number.isNaN(v) ? '-'
  : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(v));
const tsv = [['metric', ...sizes.map((n) => `n${n}`)].join('\t')];
const md = [`| metric | ${sizes.map((n) => `${n} member${n === '1' ? '' : 's'}`).join(' | ')} |`,
  `|---|${sizes.map(() => '---:').join('|')}|`];
for (const [name, f, digits] of rows) {
  const values = runs.map((r) => {
    try {
      return f(r);
    } catch {
      return null;
    }
  });
  tsv.push([name, ...values.map((v) => (typeof v === 'number' ? String(Number(v.toFixed(digits ?? 3))) : v ?? ''))].join('\t'));
  md.push(`| ${name} | ${values.map((v) => format(v, digits)).join(' | ')} |`);
}
writeFileSync(`${out}/summary.tsv`, tsv.join('\n') + '\n');
console.log(md.join('\n'));
