/**
 * Meta's released SAM 2.1 checkpoints (facebookresearch/sam2, release 2024-09-28): where each
 * size is published, its exact byte count and sha256, and the size name the trainer's export
 * takes. The digests are pinned so a download is checked before Python loads it (a .pt file is
 * a pickle). Pure: no vscode, no I/O; the test hook is read from an environment passed in.
 */

export const SAM21_SIZES = ['tiny', 'small', 'base_plus', 'large'] as const;
export type Sam21Size = (typeof SAM21_SIZES)[number];

export interface Sam21Checkpoint {
  readonly size: Sam21Size;
  /** As Meta's model table names it. */
  readonly label: string;
  readonly file: string;
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Parameters, from Meta's model table, for the size pick. */
  readonly parameters: string;
}

const BASE_URL = 'https://dl.fbaipublicfiles.com/segment_anything_2/092824/';

/**
 * Digests and sizes of the files at BASE_URL. Meta publishes no checksum file; these are the
 * values many independent projects pin for the same URLs (among them computational-cell-analytics
 * micro-sam's registry), and Hugging Face's facebook/sam2.1-hiera-* repositories store the same
 * files under the same sha256 (their LFS object ids).
 */
const CHECKPOINTS: Readonly<Record<Sam21Size, Omit<Sam21Checkpoint, 'size' | 'url'>>> = {
  tiny: {
    label: 'tiny',
    file: 'sam2.1_hiera_tiny.pt',
    sha256: '7402e0d864fa82708a20fbd15bc84245c2f26dff0eb43a4b5b93452deb34be69',
    bytes: 156_008_466,
    parameters: '38.9 M',
  },
  small: {
    label: 'small',
    file: 'sam2.1_hiera_small.pt',
    sha256: '6d1aa6f30de5c92224f8172114de081d104bbd23dd9dc5c58996f0cad5dc4d38',
    bytes: 184_416_285,
    parameters: '46 M',
  },
  base_plus: {
    label: 'base+',
    file: 'sam2.1_hiera_base_plus.pt',
    sha256: 'a2345aede8715ab1d5d31b4a509fb160c5a4af1970f199d9054ccfb746c004c5',
    bytes: 323_606_802,
    parameters: '80.8 M',
  },
  large: {
    label: 'large',
    file: 'sam2.1_hiera_large.pt',
    sha256: '2647878d5dfa5098f2f8649825738a9345572bae2d4350a2468587ece47dd318',
    bytes: 898_083_611,
    parameters: '224.4 M',
  },
};

/** Input sides the command offers: 1024 as released; smaller ones run faster, see less. */
export const SAM21_IMAGE_SIZES = [1024, 768, 512] as const;

/**
 * TEST HOOK, not a setting: the e2e test serves a random-weight checkpoint from 127.0.0.1 and
 * names it here, as JSON {"baseUrl": "http://127.0.0.1:PORT/", "sha256": {"tiny": "..."},
 * "bytes": {"tiny": 123}}. Users never set it; a value that is not such JSON is ignored.
 */
export const SAM21_TEST_SOURCE_ENV = 'SAMOCTA2_TEST_SAM21_SOURCE';

interface TestSource {
  readonly baseUrl: string;
  readonly sha256: Partial<Record<Sam21Size, string>>;
  readonly bytes: Partial<Record<Sam21Size, number>>;
}

function readTestSource(value: string | undefined): TestSource | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<TestSource>;
    if (typeof parsed.baseUrl !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+\//.test(parsed.baseUrl)) {
      return undefined; // only a local server: the hook cannot send a user's download elsewhere
    }
    return { baseUrl: parsed.baseUrl, sha256: parsed.sha256 ?? {}, bytes: parsed.bytes ?? {} };
  } catch {
    return undefined;
  }
}

/** The checkpoint of `size`: Meta's, or the test hook's stand-in when the hook is set. */
export function sam21Checkpoint(
  size: Sam21Size,
  env: Readonly<Record<string, string | undefined>> = {},
): Sam21Checkpoint {
  const own = CHECKPOINTS[size];
  const hook = readTestSource(env[SAM21_TEST_SOURCE_ENV]);
  return {
    ...own,
    size,
    url: `${hook?.baseUrl ?? BASE_URL}${own.file}`,
    sha256: hook?.sha256[size] ?? own.sha256,
    bytes: hook?.bytes[size] ?? own.bytes,
  };
}

/** The bundle's name in the model picker, e.g. `sam2.1-base_plus-512`. */
export function sam21BundleName(size: Sam21Size, imageSize: number): string {
  return `sam2.1-${size}-${imageSize}`;
}

/** "156 MB" for a byte count. */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}
