/**
 * The file naming a case folder follows (trainer/samocta2/data/naming.py, the editor, `synth`):
 * `<name>.nii.gz` is a volume and `<name>.<suffix>.nii.gz` one of its label or derived files.
 * Commands that walk a folder split names with this one table, so a label file is never taken
 * for a volume.
 */

/** Keep in step with LABEL_SUFFIXES in trainer/samocta2/data/naming.py. */
export const CASE_FILE_SUFFIXES = [
  'vessels',
  'faz',
  'rv2d',
  'faz2d',
  'enface',
  'projections',
  'label',
  'regions',
  'regionprob',
  'seg',
] as const;

export type CaseFileSuffix = (typeof CASE_FILE_SUFFIXES)[number];

/** `eye.faz.nii.gz` → { name: 'eye', suffix: 'faz' }; `eye.nii` → { name: 'eye', suffix: null }. */
export function splitCaseFile(
  file: string,
): { name: string; suffix: CaseFileSuffix | null } | null {
  const match = /^(.*)\.nii(\.gz)?$/i.exec(file);
  if (!match) return null;
  const stem = match[1];
  const suffix = CASE_FILE_SUFFIXES.find((s) => stem.endsWith(`.${s}`)) ?? null;
  return { name: suffix ? stem.slice(0, -suffix.length - 1) : stem, suffix };
}

/**
 * The trainer's rule for a generic `<name>.label` file (label_holds_vessels in naming.py): ids
 * above 1 are vessel instances, so it is a vessel label and never a FAZ; a 0/1 label can be either.
 */
export function labelHoldsVessels(maxLabelId: number): boolean {
  return maxLabelId > 1;
}
