/**
 * Why a volume did not open, in the two parts the editor shows: what is wrong with this file and
 * what the editor supports instead.
 */
import { SUPPORTED_NIFTI } from '../core/nifti/niftiError';

export const SUPPORTED_FILES = `${SUPPORTED_NIFTI} Files and volumes up to 2 GB.`;

export class VolumeLoadError extends Error {
  constructor(
    message: string,
    /** What the editor supports, so the user knows what to do instead. */
    readonly supported: string = SUPPORTED_FILES,
  ) {
    super(message);
    this.name = 'VolumeLoadError';
  }
}
