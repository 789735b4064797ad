import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SAM21_SIZES,
  SAM21_TEST_SOURCE_ENV,
  sam21BundleName,
  sam21Checkpoint,
} from '../../../../src/extension/models/sam21Checkpoints';

test("each size points at Meta's 2024-09-28 release with a pinned sha256 and byte count", () => {
  for (const size of SAM21_SIZES) {
    const c = sam21Checkpoint(size);
    assert.equal(c.file, `sam2.1_hiera_${size}.pt`);
    assert.equal(c.url, `https://dl.fbaipublicfiles.com/segment_anything_2/092824/${c.file}`);
    assert.match(c.sha256, /^[0-9a-f]{64}$/);
    assert.ok(c.bytes > 100e6);
  }
  assert.equal(sam21Checkpoint('base_plus').label, 'base+');
  assert.equal(new Set(SAM21_SIZES.map((s) => sam21Checkpoint(s).sha256)).size, 4);
});

test('the test hook swaps in a local server and digest, and nothing else', () => {
  const hook = JSON.stringify({
    baseUrl: 'http://127.0.0.1:4567/',
    sha256: { tiny: 'cd'.repeat(32) },
    bytes: { tiny: 1234 },
  });
  const tiny = sam21Checkpoint('tiny', { [SAM21_TEST_SOURCE_ENV]: hook });
  assert.equal(tiny.url, 'http://127.0.0.1:4567/sam2.1_hiera_tiny.pt');
  assert.equal(tiny.sha256, 'cd'.repeat(32));
  assert.equal(tiny.bytes, 1234);
  // Sizes the hook does not name keep their pinned digest.
  const small = sam21Checkpoint('small', { [SAM21_TEST_SOURCE_ENV]: hook });
  assert.equal(small.sha256, sam21Checkpoint('small').sha256);
  // Only a local server: a hook pointing elsewhere, or not JSON, is ignored.
  for (const bad of ['{"baseUrl": "https://example.com/"}', 'not json']) {
    assert.equal(
      sam21Checkpoint('tiny', { [SAM21_TEST_SOURCE_ENV]: bad }).url,
      sam21Checkpoint('tiny').url,
    );
  }
});

test('the bundle name says model, size and input side', () => {
  assert.equal(sam21BundleName('base_plus', 512), 'sam2.1-base_plus-512');
});
