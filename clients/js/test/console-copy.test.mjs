// The web console serves a copy of this SDK's build from the node's jar (gateway-verticle/src/main/resources/console/sdk),
// so that the node builds with Maven alone. That copy must be exactly what `npm run build` makes now: run after a
// build (ClientSdkIT builds first), this compares every dist/*.js with it byte for byte, both ways.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../dist');
const copy = path.resolve(here, '../../../gateway-verticle/src/main/resources/console/sdk');
const FIX = 'run `npm run console` in clients/js (it builds the SDK and copies dist/*.js there), and commit the copy';

const scripts = (folder) => readdirSync(folder).filter((f) => f.endsWith('.js')).sort();

test("the console's copy of the SDK is the current build, byte for byte", () => {
  assert.ok(existsSync(path.join(dist, 'index.js')), 'no dist/index.js: run `npm run build` first');
  assert.ok(existsSync(copy), `no ${copy}: ${FIX}`);
  const built = scripts(dist);
  const copied = scripts(copy);
  assert.deepEqual(copied, built, `the console's sdk/ holds other files than dist/*.js: ${FIX} (and delete files that are no longer built)`);
  for (const file of built) {
    const fresh = readFileSync(path.join(dist, file));
    const served = readFileSync(path.join(copy, file));
    assert.ok(fresh.equals(served), `${path.relative(path.resolve(here, '../../..'), path.join(copy, file))} differs from dist/${file}: ${FIX}`);
  }
});
