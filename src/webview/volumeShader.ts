/**
 * Ray marching through the volume's 3D texture, in the unit box's texture space ([0,1]³, the
 * box mesh is scaled to millimetres outside the shader). The clip box narrows the depth axis to
 * the chosen layer range. Mode 0: maximum intensity projection. Mode 1: front-to-back alpha
 * compositing with an opacity ramp, corrected for the step length.
 */
export const MAX_STEPS = 1024;

export const VOLUME_VERTEX = /* glsl */ `
varying vec3 vLocal;
void main() {
  vLocal = position;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

export const VOLUME_FRAGMENT = /* glsl */ `
precision highp float;
precision highp sampler3D;
uniform sampler3D uVolume;
uniform vec3 uCamera;   // camera position in the box's local space (box = [-0.5, 0.5]^3)
uniform vec3 uClipMin;  // clip box in texture space
uniform vec3 uClipMax;
uniform int uMode;
uniform float uSteps;   // samples along the box diagonal
varying vec3 vLocal;

vec2 hitBox(vec3 o, vec3 d) {
  vec3 inv = 1.0 / d;
  vec3 t0 = (uClipMin - o) * inv;
  vec3 t1 = (uClipMax - o) * inv;
  vec3 lo = min(t0, t1);
  vec3 hi = max(t0, t1);
  return vec2(max(max(lo.x, lo.y), lo.z), min(min(hi.x, hi.y), hi.z));
}

vec3 tint(float v) {
  return mix(vec3(0.55, 0.22, 0.12), vec3(1.0, 0.96, 0.88), v);
}

void main() {
  vec3 o = uCamera + 0.5;
  vec3 d = normalize(vLocal + 0.5 - o);
  vec2 t = hitBox(o, d);
  t.x = max(t.x, 0.0);
  if (t.x >= t.y) discard;
  float dt = 1.7320508 / uSteps;
  // Per-pixel jitter of the first sample hides the banding of a coarse step.
  float jitter = fract(sin(dot(gl_FragCoord.xy, vec2(12.9898, 78.233))) * 43758.5453);
  float s = t.x + dt * jitter;
  if (uMode == 0) {
    // The maximum of a 3-sample running mean: speckle (independent voxel to voxel) no longer
    // saturates the projection, while vessels, coherent over several voxels, keep their peak.
    float m = 0.0;
    float a = texture(uVolume, o + d * s).r;
    float b = a;
    for (int n = 0; n < ${MAX_STEPS}; n++) {
      if (s > t.y) break;
      float c = texture(uVolume, o + d * s).r;
      m = max(m, (a + b + c) * (1.0 / 3.0));
      a = b;
      b = c;
      s += dt;
    }
    // Premultiplied: dark voxels let the background through, bright ones cover it.
    gl_FragColor = vec4(vec3(m), m);
  } else {
    vec4 acc = vec4(0.0);
    // Opacity is defined for a step of 1/256 of the diagonal; other steps are corrected.
    float k = dt * 256.0 / 1.7320508;
    for (int n = 0; n < ${MAX_STEPS}; n++) {
      if (s > t.y || acc.a > 0.97) break;
      float v = texture(uVolume, o + d * s).r;
      float a = clamp((v - 0.25) / 0.75, 0.0, 1.0);
      a = 1.0 - pow(1.0 - a * a * 0.35, k);
      acc.rgb += (1.0 - acc.a) * a * tint(v);
      acc.a += (1.0 - acc.a) * a;
      s += dt;
    }
    gl_FragColor = acc;
  }
}`;

/** Draws the (lower-resolution, premultiplied) volume image over the whole screen. */
export const BLIT_VERTEX = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = vec4(position.xy * 2.0, 0.0, 1.0);
}`;

export const BLIT_FRAGMENT = /* glsl */ `
uniform sampler2D map;
varying vec2 vUv;
void main() {
  gl_FragColor = texture2D(map, vUv);
}`;
