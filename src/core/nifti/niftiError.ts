/**
 * The one error type the NIfTI reader throws: every bad input (truncated, not NIfTI, unsupported
 * datatype or dimensionality, too large) becomes a NiftiError whose message says what is wrong
 * and whose `supported` says what would have worked, so the editor and the CLI can show both.
 */

/** One sentence, shown under every reader error. */
export const SUPPORTED_NIFTI =
  'Supported: NIfTI-1 or NIfTI-2 single files (.nii or .nii.gz), 3D volumes or the first volume of a 4D file, ' +
  'datatypes uint8, int8, int16, uint16, int32, uint32, float32 and float64, little- or big-endian.';

export class NiftiError extends Error {
  constructor(
    message: string,
    readonly supported: string = SUPPORTED_NIFTI,
  ) {
    super(message);
    this.name = 'NiftiError';
  }
}
