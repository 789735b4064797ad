/* global window, sessionStorage, fetch */
// Stands in for VS Code's webview API on the test page: records what the webview posts, keeps
// its saved state in sessionStorage (so a reload behaves like re-showing a tab), and lets the
// test push host messages, the volume as a transferred ArrayBuffer.
(() => {
  const posted = [];
  let acquired = false;
  window.__samOcta2EnableTestHook = true;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => {
        const raw = sessionStorage.getItem('vscodeState');
        return raw ? JSON.parse(raw) : undefined;
      },
      setState: (state) => sessionStorage.setItem('vscodeState', JSON.stringify(state)),
    };
  };
  window.__harness = {
    posted,
    send: (message) => window.postMessage(message, '*'),
    /** Fetches the voxels from the harness server and posts them as VS Code would: transferred. */
    pushVolume: async (url) => {
      const buffer = await (await fetch(url)).arrayBuffer();
      window.postMessage({ type: 'volumeData', buffer }, '*', [buffer]);
    },
  };
})();
