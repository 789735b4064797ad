/**
 * Any onnxruntime package (onnxruntime-node, onnxruntime-web) behind the core tracker's
 * OnnxRuntime interface. Both share onnxruntime-common's API, so one adapter serves both. No
 * Node imports here, so the webview can bundle it too.
 */
import type * as Ort from 'onnxruntime-common';
import type {
  OnnxRuntime,
  RuntimeSession,
  TensorData,
  TensorDtype,
  ValueInfo,
} from '../core/tracker/onnxRuntime';

/** The parts of an onnxruntime module the adapter uses. */
export interface OrtModule {
  Tensor: typeof Ort.Tensor;
  InferenceSession: typeof Ort.InferenceSession;
}

export function adaptOrt(
  ort: OrtModule,
  name: string,
  sessionOptions: Ort.InferenceSession.SessionOptions = {},
  perGraph: Record<string, Ort.InferenceSession.SessionOptions> = {},
): OnnxRuntime {
  return {
    name,
    createTensor: (type: TensorDtype, data: TensorData, dims: readonly number[]) =>
      new ort.Tensor(type, data, dims),
    createSession: async (model: Uint8Array | string, graph?: string): Promise<RuntimeSession> => {
      const options = { ...sessionOptions, ...(graph ? perGraph[graph] : {}) };
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, options)
          : await ort.InferenceSession.create(model, options);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputInfo: inputInfo(session),
        run: (feeds) => session.run(feeds as Ort.InferenceSession.FeedsType),
        release: () => session.release(),
      };
    },
  };
}

/** onnxruntime-web's WASM backend, every graph fully optimized as the webview runs them. */
export function webWasmRuntime(ort: OrtModule, name = 'onnxruntime-web (wasm)'): OnnxRuntime {
  return adaptOrt(ort, name, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

function inputInfo(session: Ort.InferenceSession): ValueInfo[] | undefined {
  const meta = (session as { inputMetadata?: readonly Ort.InferenceSession.ValueMetadata[] })
    .inputMetadata;
  if (!meta) return undefined;
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name },
  );
}
