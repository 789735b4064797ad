import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildWebviewHtml, contentSecurityPolicy } from '../../../src/extension/webviewHtml';

const INPUT = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'bm9uY2Utb25l',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
  styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css'],
  assetBaseUris: { mediaUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media' },
  title: 'synth-1.nii.gz',
};

/** The policy as a map from directive to its sources, parsed back out of the HTML. */
function policyOf(html: string): Map<string, string[]> {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  assert.ok(match, 'the HTML has a CSP meta tag');
  const policy = new Map<string, string[]>();
  for (const directive of match[1]!.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    assert.ok(name && !policy.has(name), `directive ${name} appears once`);
    policy.set(name, sources);
  }
  return policy;
}

test('the CSP denies everything by default and allows only what the editor needs', () => {
  const policy = policyOf(buildWebviewHtml(INPUT));
  const src = INPUT.cspSource;
  assert.deepEqual(Object.fromEntries(policy), {
    'default-src': ["'none'"],
    'script-src': [src, `'nonce-${INPUT.nonce}'`, "'wasm-unsafe-eval'"],
    'style-src': [src, "'unsafe-inline'"],
    'img-src': [src, 'data:', 'blob:'],
    'font-src': [src],
    'connect-src': [src],
    'worker-src': ['blob:'],
  });
});

test('the CSP never allows eval, inline scripts or remote hosts', () => {
  const scriptSources = policyOf(buildWebviewHtml(INPUT)).get('script-src') ?? [];
  assert.ok(!scriptSources.includes("'unsafe-eval'"));
  assert.ok(!scriptSources.includes("'unsafe-inline'"));
  for (const sources of policyOf(buildWebviewHtml(INPUT)).values()) {
    assert.ok(!sources.includes('*') && !sources.includes('https:') && !sources.includes('http:'));
  }
});

test('every script carries the nonce and loads as an ES module from the extension', () => {
  const html = buildWebviewHtml(INPUT);
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]!, new RegExp(`nonce="${INPUT.nonce}"`));
  assert.match(scripts[0]!, /type="module"/);
  assert.match(scripts[0]!, new RegExp(`src="${INPUT.scriptUri.replace(/[.+]/g, '\\$&')}"`));
});

test('a new nonce gives a new policy', () => {
  assert.notEqual(
    contentSecurityPolicy(INPUT.cspSource, 'one'),
    contentSecurityPolicy(INPUT.cspSource, 'two'),
  );
});

test('style sheets and asset folders are passed through as links and data attributes', () => {
  const html = buildWebviewHtml(INPUT);
  assert.match(html, /<link rel="stylesheet" href="[^"]+codicon\.css" \/>/);
  assert.match(html, /<body data-media-uri="https:\/\/[^"]+\/ext\/media">/);
});

test('values are escaped, so a file name cannot inject markup', () => {
  const html = buildWebviewHtml({ ...INPUT, title: '<img src=x onerror=alert(1)>.nii' });
  assert.ok(!html.includes('<img'));
  assert.match(html, /<title>&lt;img src=x onerror=alert\(1\)&gt;\.nii<\/title>/);
  const attr = buildWebviewHtml({ ...INPUT, assetBaseUris: { mediaUri: 'x" onload="y' } });
  assert.match(attr, /data-media-uri="x&quot; onload=&quot;y"/);
});

test('asset keys must be identifiers', () => {
  assert.throws(
    () => buildWebviewHtml({ ...INPUT, assetBaseUris: { 'bad key': 'x' } }),
    /camelCase/,
  );
});
