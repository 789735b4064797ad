/**
 * `sam-octa2 track`: tracks objects through a volume's en-face layers (depth = NIfTI k, as the
 * trainer) from point prompts with a model bundle, and writes a uint16 label volume with the
 * volume's dims and affine plus a JSON sidecar (objects, kinds, prompts).
 */
import { basename, dirname } from 'node:path';
import { writePair } from '../../core/files/filePair';
import { writeNifti } from '../../core/nifti/writeNifti';
import { ObjectTracks } from '../../core/tracker/objectTracks';
import { SamTracker } from '../../core/tracker/tracker';
import { segmentationSidecar } from '../../core/tracker/segmentationSidecar';
import { setLabelLayer, volumeLayerSource } from '../../core/tracker/volumeLayers';
import { layerNumberRange } from '../../core/volume/layerNumbers';
import { EXIT_OK, UsageError, type CliCommand, type CliIo } from '../command';
import { nodeFolderFs, OWN_TAG } from '../files';
import { checkOutputs, filesIn } from '../outputGuard';
import { checkRange, parseTrackArgs } from '../trackArgs';
import { nodeSha256 } from '../../engine/ortNode';
import { openBundle, readVolume } from '../trackModel';

const USAGE = `Usage: sam-octa2 track VOLUME --model DIR --prompt LAYER:X,Y[:neg] ... [--object NAME [--kind vessel|faz] --prompt ...] --out SEG.nii.gz

Tracks each object through the en-face layers (NIfTI k slices) with SAM 2 memory tracking:
prompted layers condition the track, which runs forward and backward from the lowest one.
Writes SEG.nii.gz (uint16 labels, object n = n, the volume's dims and affine) and SEG.json
(objects, kinds, prompts, model, the sha256 of SEG.nii.gz) as one pair: after a crash either
the old pair or the new one is found (docs/reliability.md).

Options:
  --model DIR          model bundle folder (manifest.json + 4 ONNX graphs; docs/model-bundle.md)
  --prompt L:X,Y[:neg] a click on layer L (counted from 0, = NIfTI k) at column X, row Y
                       (layer pixels); ':neg' = negative
  --object NAME        starts a new object; the --prompts after it are its clicks
  --kind vessel|faz    kind of the current object (default vessel)
  --out SEG.nii.gz     label volume to write (.nii.gz or .nii); SEG.json beside it
  --direction D        both (default), forward or backward
  --range FROM,TO      only track layers FROM..TO
  --threads N          onnxruntime threads (default 1)
  --force              allow --out to replace a file the command reads (the input volume)
  -h, --help           this text
`;

export const trackCommand: CliCommand = {
  name: 'track',
  summary: 'track vessels / the FAZ through the layers from point prompts',
  usage: USAGE,
  run,
};

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseTrackArgs(argv);
  const sidecarPath = args.out.replace(/\.nii(\.gz)?$/i, '.json');
  // Before any work: the outputs can be written and replace nothing this command reads.
  checkOutputs(
    [
      { option: 'out', path: args.out },
      { option: 'out', path: sidecarPath },
    ],
    [{ role: 'the input volume', path: args.volume }, ...filesIn(args.model, 'the model file')],
    args.force,
  );
  const volume = await readVolume(args.volume, (notice) =>
    io.stderr(`${args.volume}: ${notice}\n`),
  );
  const layers = volumeLayerSource(volume, 2);
  checkRange(args.range, layers.count);
  for (const object of args.objects) {
    for (const { layer, point } of object.prompts) {
      if (layer >= layers.count) {
        throw new UsageError(
          `--prompt ${layer}:${point.x},${point.y}: the volume has layers ${layerNumberRange(layers.count)}.`,
        );
      }
      if (point.x < 0 || point.y < 0 || point.x >= layers.cols || point.y >= layers.rows) {
        io.stderr(
          `Ignoring --prompt ${layer}:${point.x},${point.y}: outside the ${layers.cols}x${layers.rows} layer.\n`,
        );
      }
    }
  }
  const bundle = await openBundle(args.model, args.threads);
  try {
    const tracker = new SamTracker(bundle, layers, { cache: { maxEntries: 256 } });
    const store = new ObjectTracks(tracker);
    const started = performance.now();
    let emitted = 0;
    for (const request of args.objects) {
      const object = store.add(request.name, request.kind);
      for (const { layer, point } of request.prompts) {
        const points = object.prompts.get(layer) ?? [];
        object.prompts.set(layer, [...points, point]);
      }
      const result = await store.propagate(object.id, {
        direction: args.direction,
        range: args.range,
      });
      emitted += result.order.length;
      const present = [...result.frames.values()].filter((f) => f.score > 0).length;
      io.stdout(
        `  ${object.id} ${object.name} (${object.kind}): object on ${present} of ${result.frames.size} tracked layers\n`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const labels = new Uint16Array(volume.data.length);
    const layerLabels = new Uint16Array(layers.rows * layers.cols);
    for (let layer = 0; layer < layers.count; layer++) {
      setLabelLayer(labels, volume.dims, layer, store.labelLayer(layer, layerLabels));
    }
    const seg = {
      dims: volume.dims,
      spacingMm: volume.spacingMm,
      affine: volume.affine,
      type: 'uint16' as const,
      data: labels,
    };
    const gzip = /\.gz$/i.test(args.out);
    const image = writeNifti(seg, {
      gzip,
      intent: 'label',
      description: `sam-octa2 track ${bundle.manifest.name}`,
    });
    const sidecar = segmentationSidecar({
      volume: basename(args.volume),
      model: bundle.manifest.name,
      axis: 2,
      objects: store
        .list()
        .map((o) => ({ id: o.id, name: o.name, kind: o.kind, prompts: store.promptsOf(o.id) })),
    });
    const settled = await writePair(
      nodeFolderFs(dirname(args.out)),
      { image: basename(args.out), sidecar: basename(sidecarPath) },
      image,
      { ...sidecar },
      { sha256: nodeSha256, tag: OWN_TAG },
    );
    for (const notice of settled) io.stderr(`${notice}\n`);
    io.stdout(
      `Tracked ${args.objects.length} object(s) over ${layers.count} layers with ${bundle.manifest.name} on ${bundle.runtime.name}: ` +
        `${emitted} layers in ${seconds.toFixed(1)} s (${(emitted / seconds).toFixed(1)} layers/s).\n` +
        `Wrote ${args.out} and ${sidecarPath}.\n`,
    );
    return EXIT_OK;
  } finally {
    await bundle.release();
  }
}
