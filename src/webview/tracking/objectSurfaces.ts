/**
 * Each tracked object as a closed surface in the 3D view, in its colour. The surface comes from
 * the object's layer masks (surface nets over the cropped, block-downsampled mask volume) and is
 * placed in the 3D view's unit box, whose local axes are the volume's i, j, k.
 */
import {
  BufferAttribute,
  BufferGeometry,
  DirectionalLight,
  DoubleSide,
  Group,
  HemisphereLight,
  Mesh,
  MeshLambertMaterial,
} from 'three';
import { cropAndDownsample } from '../../core/mesh/maskBlocks';
import { surfaceNets } from '../../core/mesh/surfaceNets';
import { layerAxes } from '../../core/volume/layers';
import type { MaskGeometry, TrackedObject } from './trackedObjects';

/** Cells meshed per object at most: keeps a rebuild well under a frame budget of a few 100 ms. */
const MAX_MESH_VOXELS = 3_000_000;

export class ObjectSurfaces {
  private readonly meshes = new Group();

  constructor(root: Group) {
    const sky = new HemisphereLight(0xffffff, 0x404040, 1.6);
    const sun = new DirectionalLight(0xffffff, 1.4);
    sun.position.set(0.4, 1, 0.7);
    root.add(sky, sun, this.meshes);
  }

  /** Number of surfaces shown and their triangles, for tests and the status line. */
  get stats(): { surfaces: number; triangles: number } {
    let triangles = 0;
    for (const m of this.meshes.children) {
      if (m instanceof Mesh) triangles += ((m.geometry as BufferGeometry).index?.count ?? 0) / 3;
    }
    return { surfaces: this.meshes.children.length, triangles };
  }

  rebuild(objects: Iterable<TrackedObject>, geo: MaskGeometry): void {
    this.clear();
    for (const object of objects) {
      const mesh = objectMesh(object, geo);
      if (mesh) this.meshes.add(mesh);
    }
  }

  clear(): void {
    for (const m of [...this.meshes.children]) {
      this.meshes.remove(m);
      if (m instanceof Mesh) {
        m.geometry.dispose();
        (m.material as MeshLambertMaterial).dispose();
      }
    }
  }
}

function objectMesh(object: TrackedObject, geo: MaskGeometry): Mesh | null {
  if (object.masks.size === 0) return null;
  const [across, down] = layerAxes(geo.axis);
  const cols = geo.dims[across];
  const rows = geo.dims[down];
  const layers = geo.dims[geo.axis];
  // Grid (x = column, y = row, z = layer), filled from the layers that have a mask.
  const plane = cols * rows;
  const grid = new Uint8Array(plane * layers);
  for (const [layer, mask] of object.masks) grid.set(mask, layer * plane);
  const blocks = cropAndDownsample(grid, [cols, rows, layers], MAX_MESH_VOXELS);
  if (!blocks) return null;
  const { positions, indices } = surfaceNets(blocks.mask, blocks.dims);
  if (indices.length === 0) return null;
  // Block coordinates -> voxel coordinates -> the unit box (voxel centres at (v + 0.5) / n).
  const out = new Float32Array(positions.length);
  const n = geo.dims;
  for (let p = 0; p < positions.length; p += 3) {
    const ijk = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const v = blocks.origin[a] + ((positions[p + a] ?? 0) + 0.5) * blocks.factor - 0.5;
      const axis = a === 0 ? across : a === 1 ? down : geo.axis;
      ijk[axis] = v;
    }
    for (let a = 0; a < 3; a++) out[p + a] = ((ijk[a] ?? 0) + 0.5) / n[a] - 0.5;
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(out, 3));
  geometry.setIndex(new BufferAttribute(indices, 1));
  geometry.computeVertexNormals();
  const material = new MeshLambertMaterial({
    color: object.color,
    transparent: true,
    opacity: 0.9,
    // The box's axes may mirror the grid's handedness; show both faces rather than guess.
    side: DoubleSide,
  });
  const mesh = new Mesh(geometry, material);
  mesh.name = `object-${object.id}`;
  return mesh;
}
