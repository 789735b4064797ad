/**
 * CRC-32 (IEEE 802.3, the gzip trailer's checksum), incremental so a stream can be checked as it
 * is decompressed. fflate does not check gzip trailers, so the reader does it here.
 */

const TABLE = (() => {
  const table = new Int32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  // Slicing-by-4: four bytes per step, about three times faster than one at a time.
  for (let n = 0; n < 256; n++) {
    for (let s = 1; s < 4; s++) {
      const prev = table[(s - 1) * 256 + n];
      table[s * 256 + n] = table[prev & 0xff] ^ (prev >>> 8);
    }
  }
  return table;
})();

/** The CRC-32 of `bytes` continued from `crc` (0 for a new stream); an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const n4 = bytes.length - (bytes.length % 4);
  for (; i < n4; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c =
      TABLE[768 + (c & 0xff)] ^
      TABLE[512 + ((c >>> 8) & 0xff)] ^
      TABLE[256 + ((c >>> 16) & 0xff)] ^
      TABLE[c >>> 24];
  }
  for (; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
