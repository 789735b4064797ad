/**
 * A label edit as one ArrayBuffer, for VS Code backups and for sending edits between the
 * extension host and the webview. Little endian:
 *   0  'SOLE' magic          4  u16 version (1)     6  u8 kind        7  u8 flags
 *   8  u32 × 3 dims          20 u32 count           24 u8 layer axis  25 u8 0
 *   26 u16 uniform new value 28 u32 layer index
 *   32 indices (u32 × count), then old values (u16 × count), then new values (u16 × count)
 *      unless flag 1 (one new value for all) is set. Flag 2: the edit has a layer.
 */
import type { Axis } from '../volume/volume';
import type { LabelEdit, LabelEditKind } from './labelEdit';
import { LabelError } from './labelVolume';

const MAGIC = [0x53, 0x4f, 0x4c, 0x45]; // 'SOLE'
const VERSION = 1;
const HEADER = 32;
const KINDS: readonly LabelEditKind[] = ['paint', 'erase', 'fill', 'clear', 'replace', 'merged'];
const UNIFORM = 1;
const HAS_LAYER = 2;

export function encodeLabelEdit(edit: LabelEdit): ArrayBuffer {
  const count = edit.indices.length;
  const uniform = typeof edit.after === 'number';
  const buffer = new ArrayBuffer(HEADER + count * (uniform ? 6 : 8));
  const view = new DataView(buffer);
  MAGIC.forEach((byte, n) => view.setUint8(n, byte));
  view.setUint16(4, VERSION, true);
  view.setUint8(6, KINDS.indexOf(edit.kind));
  view.setUint8(7, (uniform ? UNIFORM : 0) | (edit.layer ? HAS_LAYER : 0));
  edit.dims.forEach((n, axis) => view.setUint32(8 + 4 * axis, n, true));
  view.setUint32(20, count, true);
  view.setUint8(24, edit.layer ? edit.layer.axis : 0);
  view.setUint16(26, typeof edit.after === 'number' ? edit.after : 0, true);
  view.setUint32(28, edit.layer ? edit.layer.index : 0, true);
  let at = HEADER;
  for (let n = 0; n < count; n++, at += 4) view.setUint32(at, edit.indices[n], true);
  for (let n = 0; n < count; n++, at += 2) view.setUint16(at, edit.before[n], true);
  if (typeof edit.after !== 'number') {
    for (let n = 0; n < count; n++, at += 2) view.setUint16(at, edit.after[n], true);
  }
  return buffer;
}

export function decodeLabelEdit(bytes: ArrayBuffer | Uint8Array): LabelEdit {
  const view =
    bytes instanceof Uint8Array
      ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new DataView(bytes);
  const fail = (why: string): never => {
    throw new LabelError(`Not a SAM-OCTA2 label edit (${why}).`);
  };
  if (view.byteLength < HEADER) fail(`${view.byteLength} bytes, the header alone is ${HEADER}`);
  if (MAGIC.some((byte, n) => view.getUint8(n) !== byte)) fail('bad magic bytes');
  const version = view.getUint16(4, true);
  if (version !== VERSION) fail(`version ${version}; this build reads version ${VERSION}`);
  const kind = KINDS[view.getUint8(6)] ?? fail(`unknown kind code ${view.getUint8(6)}`);
  const flags = view.getUint8(7);
  const dims: [number, number, number] = [0, 1, 2].map((a) => view.getUint32(8 + 4 * a, true)) as [
    number,
    number,
    number,
  ];
  const voxels = dims[0] * dims[1] * dims[2];
  if (voxels === 0) fail(`empty dims ${dims.join('x')}`);
  const count = view.getUint32(20, true);
  const uniform = (flags & UNIFORM) !== 0;
  const expected = HEADER + count * (uniform ? 6 : 8);
  if (view.byteLength !== expected) {
    fail(`${view.byteLength} bytes where ${count} changed voxels need ${expected}`);
  }
  let layer: LabelEdit['layer'] = null;
  if (flags & HAS_LAYER) {
    const axis = view.getUint8(24);
    const index = view.getUint32(28, true);
    if (axis > 2 || index >= dims[axis])
      fail(`layer ${index} along axis ${axis} is outside the dims`);
    layer = { axis: axis as Axis, index };
  }
  const indices = new Uint32Array(count);
  const before = new Uint16Array(count);
  let at = HEADER;
  for (let n = 0; n < count; n++, at += 4) {
    const index = view.getUint32(at, true);
    if (index >= voxels) fail(`voxel index ${index} is outside ${dims.join('x')}`);
    indices[n] = index;
  }
  for (let n = 0; n < count; n++, at += 2) before[n] = view.getUint16(at, true);
  let after: number | Uint16Array;
  if (uniform) {
    after = view.getUint16(26, true);
  } else {
    after = new Uint16Array(count);
    for (let n = 0; n < count; n++, at += 2) after[n] = view.getUint16(at, true);
  }
  return { kind, dims, layer, indices, before, after };
}
