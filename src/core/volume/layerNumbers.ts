/**
 * Layer numbers as users read and type them. One convention for the whole tool: a layer number
 * is the 0-based index along the depth axis, the same number as the voxel index k in the value
 * readout, in the saved files (`*.tracking.json`, sparse annotations), in the CLI's --prompt and
 * --range and in the Python trainer (NumPy / nibabel). Every place that shows a position writes
 * the range beside it ("Layer 5 (0–9)") so that the convention is never guessed.
 * Why 0-based: see docs/architecture.md, "Layer numbers".
 */

/** "0–9" for a 10-layer stack: the numbers a user can read or type. */
export function layerNumberRange(layerCount: number): string {
  return `0–${Math.max(0, layerCount - 1)}`;
}

/** "Layer 5 (0–9)": the shown layer, with the range that says how layers count. */
export function layerPosition(layer: number, layerCount: number): string {
  return `Layer ${layer} (${layerNumberRange(layerCount)})`;
}

/**
 * A layer number typed by the user: an integer within the stack, or an Error that says what is
 * accepted (the caller shows it and keeps what was there).
 */
export function parseLayerNumber(text: string, layerCount: number): number | Error {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isInteger(value) || value < 0 || value >= layerCount) {
    return new Error(
      `'${text}' is not a layer number: layers count from 0, here ${layerNumberRange(layerCount)}.`,
    );
  }
  return value;
}
