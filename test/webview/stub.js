/* global window, sessionStorage, fetch, structuredClone */
// Stands in for VS Code's webview API on the test page: records what the webview posts, keeps
// its saved state in sessionStorage (so a reload behaves like re-showing a tab), and lets the
// test push host messages, the volume as a transferred ArrayBuffer.
(() => {
  const posted = [];
  const undo = [];
  const redo = [];
  // The region annotation's layer list as the host keeps it (issue 6): a region stroke adds its
  // layer (labelEditCodec: axis at byte 24, layer index at byte 28), undo/redo restore it.
  let regionLayers = { axis: 2, layers: [] };
  const regionEdits = [];
  // VS Code runs undo/redo on the custom document, whose closures send `applyEdit`; here the
  // stub plays the document's part for Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y).
  window.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const key = e.key.toLowerCase();
    const isRedo = (key === 'z' && e.shiftKey) || key === 'y';
    if (key !== 'z' && key !== 'y') return;
    const edit = (isRedo ? redo : undo).pop();
    if (!edit) return;
    (isRedo ? undo : redo).push(edit);
    e.preventDefault();
    const direction = isRedo ? 'redo' : 'undo';
    if (edit.enfaceRv) {
      const buffer = edit.enfaceRv.slice(0);
      window.postMessage({ type: 'applyEnfaceRvEdit', edit: buffer, direction }, '*');
      return;
    }
    if (edit.region) {
      regionLayers = isRedo ? edit.region.after : edit.region.before;
      const buffer = edit.region.edit.slice(0);
      window.postMessage(
        { type: 'applyRegionEdit', edit: buffer, direction, ...regionLayers },
        '*',
      );
      return;
    }
    window.postMessage({ type: 'applyEdit', edit, direction }, '*');
  });
  let acquired = false;
  window.__samOcta2EnableTestHook = true;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage: (message) => {
        posted.push(JSON.parse(JSON.stringify(message)));
        // Tracking edits keep their ArrayBuffers for undo/redo (the JSON copy above loses them).
        if (message.type === 'edit') {
          undo.push(structuredClone(message.edit));
          redo.length = 0;
        }
        if (message.type === 'enfaceRvEdit') {
          undo.push({ enfaceRv: message.edit.slice(0) });
          redo.length = 0;
        }
        if (message.type === 'regionEdit') {
          const view = new DataView(message.edit);
          const axis = view.getUint8(24);
          const layer = view.getUint32(28, true);
          const before = regionLayers;
          const kept = before.axis === axis ? before.layers.filter((l) => l !== layer) : [];
          const after = { axis, layers: [...kept, layer].sort((a, b) => a - b) };
          regionLayers = after;
          regionEdits.push(message.edit.slice(0));
          undo.push({ region: { edit: message.edit.slice(0), before, after } });
          redo.length = 0;
        }
      },
      getState: () => {
        const raw = sessionStorage.getItem('vscodeState');
        return raw ? JSON.parse(raw) : undefined;
      },
      setState: (state) => sessionStorage.setItem('vscodeState', JSON.stringify(state)),
    };
  };
  window.__harness = {
    posted,
    /** The region strokes posted so far, with their bytes (`posted` holds JSON copies). */
    regionEdits,
    send: (message) => {
      if (message.type === 'regions') regionLayers = { axis: message.axis, layers: message.layers };
      window.postMessage(message, '*');
    },
    /** Fetches the voxels from the harness server and posts them as VS Code would: transferred. */
    pushVolume: async (url) => {
      const buffer = await (await fetch(url)).arrayBuffer();
      window.postMessage({ type: 'volumeData', buffer }, '*', [buffer]);
    },
  };
})();
