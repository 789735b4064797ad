/** The ETDRS-style grid: its sectors on 3×3 and 6×6 mm fields, their areas, quadrants and cuts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planeGeometry } from '../../../../src/core/measure/planeGeometry';
import { sectorBoundaries, sectorGrid } from '../../../../src/core/measure/sectorGrid';

function areas(size: number, fieldMm: number, centre: [number, number]) {
  const pixel = fieldMm / size;
  const geometry = planeGeometry({ dims: [size, size, 1], spacingMm: [pixel, pixel, 1] }, 2);
  const grid = sectorGrid(geometry, centre);
  const counts = new Array(grid.sectors.length).fill(0);
  for (const s of grid.sectorOf) if (s > 0) counts[s - 1]++;
  return { grid, areasMm2: counts.map((n) => n * pixel * pixel) };
}

test('a 3×3 mm scan: centre and inner ring quadrants, no 6 mm ring; areas as nominal', () => {
  const { grid, areasMm2 } = areas(304, 3, [1.5, 1.5]);
  assert.deepEqual(
    grid.sectors.map((s) => s.name),
    ['centre', 'inner-top', 'inner-right', 'inner-bottom', 'inner-left'],
  );
  const quadrant = (Math.PI * (1.5 ** 2 - 0.5 ** 2)) / 4;
  assert.ok(Math.abs(grid.sectors[0].nominalAreaMm2 - Math.PI * 0.25) < 1e-12);
  assert.ok(Math.abs(grid.sectors[1].nominalAreaMm2 - quadrant) < 1e-12);
  assert.ok(Math.abs(areasMm2[0] / (Math.PI * 0.25) - 1) < 0.02, `centre ${areasMm2[0]}`);
  for (const a of areasMm2.slice(1)) assert.ok(Math.abs(a / quadrant - 1) < 0.02, `${a}`);
});

test('a 6×6 mm scan adds the 3–6 mm ring; quadrants face the image sides', () => {
  const { grid, areasMm2 } = areas(400, 6, [3, 3]);
  assert.equal(grid.sectors.length, 9);
  assert.deepEqual(
    grid.sectors.slice(5).map((s) => s.name),
    ['outer-top', 'outer-right', 'outer-bottom', 'outer-left'],
  );
  const outer = (Math.PI * (3 ** 2 - 1.5 ** 2)) / 4;
  // The 6 mm ring just fits a 6 mm field: each outer quadrant loses a sliver at the edge.
  for (const a of areasMm2.slice(5)) assert.ok(a / outer > 0.95 && a / outer <= 1.01, `${a}`);
  const pixel = 6 / 400;
  const at = (xMm: number, yMm: number) =>
    grid.sectorOf[Math.round(xMm / pixel) + 400 * Math.round(yMm / pixel)];
  assert.equal(grid.sectors[at(3, 2) - 1].name, 'inner-top'); // y grows downward
  assert.equal(grid.sectors[at(4, 3) - 1].name, 'inner-right');
  assert.equal(grid.sectors[at(3, 5) - 1].name, 'outer-bottom');
  assert.equal(grid.sectors[at(0.5, 3) - 1].name, 'outer-left');
});

test('a grid centred off the middle is cut by the field edge', () => {
  const { areasMm2, grid } = areas(304, 3, [0.6, 1.5]);
  const quadrant = grid.sectors[4].nominalAreaMm2;
  assert.equal(grid.sectors[4].name, 'inner-left');
  assert.ok(areasMm2[4] / quadrant < 0.3, `inner-left keeps ${areasMm2[4] / quadrant}`);
});

test('the grid lines: the 1 mm and 3 mm circles and the diagonals, one pixel wide, never inside a sector', () => {
  const size = 304;
  const pixel = 3 / size;
  const geometry = planeGeometry({ dims: [size, size, 1], spacingMm: [pixel, pixel, 1] }, 2);
  const grid = sectorGrid(geometry, [1.5, 1.5]);
  const lines = sectorBoundaries(grid, size, size);
  const at = (xMm: number, yMm: number) => Math.round(yMm / pixel) * size + Math.round(xMm / pixel);
  // Well inside the centre disc and inside a quadrant: no line.
  assert.equal(lines[at(1.5, 1.5)], 0);
  assert.equal(lines[at(1.5, 0.4)], 0);
  // Along the 0.5 mm circle and the 1.5 mm circle (straight up from the centre), a line pixel
  // within a pixel of the radius.
  const column = Math.round(1.5 / pixel);
  const rowsWithLine = [];
  for (let y = 0; y < size; y++) if (lines[y * size + column]) rowsWithLine.push(y);
  const radiiMm = rowsWithLine.map((y) => Math.abs(1.5 - y * pixel));
  assert.ok(
    radiiMm.some((r) => Math.abs(r - 0.5) <= 1.5 * pixel),
    `${radiiMm}`,
  );
  assert.ok(
    radiiMm.some((r) => Math.abs(r - 1.5) <= 1.5 * pixel),
    `${radiiMm}`,
  );
  // The diagonal between the top and right quadrants at 1 mm from the centre.
  const d = 1 / Math.SQRT2;
  let near = 0;
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) near += lines[at(1.5 + d, 1.5 - d) + dy * size + dx];
  assert.ok(near > 0, 'a line on the diagonal');
  // Lines are few: a few circumferences and diagonals, not areas.
  const count = lines.reduce((a, v) => a + v, 0);
  assert.ok(
    count > (2 * Math.PI * (0.5 + 1.5)) / pixel && count < (3 * 2 * Math.PI * 2) / pixel,
    `${count}`,
  );
});
