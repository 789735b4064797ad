/**
 * The volume editor's HTML, built in one place so that its Content-Security-Policy can be
 * tested. Pure: the caller passes the webview's cspSource, a fresh nonce and the asset URIs.
 */

export interface WebviewHtmlInput {
  /** `webview.cspSource`: the origin the webview may load local resources from. */
  readonly cspSource: string;
  /** A fresh random nonce per render; only scripts carrying it may run. */
  readonly nonce: string;
  /** The webview bundle (ES module), as a webview URI. */
  readonly scriptUri: string;
  /** Style sheets (e.g. codicons), as webview URIs. */
  readonly styleUris: readonly string[];
  /**
   * Folders the webview fetches runtime files from (onnxruntime-web's wasm, model bundles),
   * exposed as `data-*` attributes on <body>: key `mediaUri` becomes `data-media-uri`.
   */
  readonly assetBaseUris: Readonly<Record<string, string>>;
  readonly title: string;
}

/**
 * The policy: nothing by default; scripts only from the extension with the nonce, plus
 * WebAssembly compilation for onnxruntime-web; inline styles because three.js and the web
 * components set them; images as data:/blob: for canvases turned into pictures; workers only
 * from Blob URLs, because the webview's resource loader does not serve worker scripts.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src ${cspSource} 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    `connect-src ${cspSource}`,
    `worker-src blob:`,
  ].join('; ');
}

export function buildWebviewHtml(input: WebviewHtmlInput): string {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  const styles = input.styleUris
    .map((uri) => `    <link rel="stylesheet" href="${escapeAttribute(uri)}" />`)
    .join('\n');
  const dataAttributes = Object.entries(input.assetBaseUris)
    .map(([key, uri]) => ` data-${toKebabCase(key)}="${escapeAttribute(uri)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
${styles}
    <title>${escapeText(input.title)}</title>
  </head>
  <body${dataAttributes}>
    <script type="module" nonce="${escapeAttribute(input.nonce)}" src="${escapeAttribute(input.scriptUri)}"></script>
  </body>
</html>
`;
}

function escapeAttribute(value: string): string {
  // Attributes are always double-quoted here, so single quotes (CSP keywords) stay readable.
  return escapeText(value).replace(/"/g, '&quot;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toKebabCase(key: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(key)) {
    throw new Error(`Asset key "${key}" must be a camelCase identifier.`);
  }
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
