/**
 * The one error the measures throw: input they cannot turn into a number (no voxel size, masks
 * of the wrong size, a depth range outside the volume). The message says what is wrong and what
 * is needed; a measure that merely does not apply (an empty mask) is a stated null, not an error.
 */
export class MeasureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeasureError';
  }
}
