"""Rotary position encoding of SAM 2's memory attention in real arithmetic.

sam2 rotates query/key channel pairs with complex multiplication (torch.polar,
view_as_complex), which ONNX cannot express. A rotation of the pair (a, b) by angle t is
(a cos t - b sin t, a sin t + b cos t); the angles are sam2's own (compute_axial_cis), so
only the arithmetic changes. Used by the exported memory-attention graph only; checked
against sam2's complex version in tests/test_export_graphs.py.
"""

from __future__ import annotations

import torch
from sam2.modeling.position_encoding import compute_axial_cis
from sam2.modeling.sam.transformer import RoPEAttention


def rope_tables(attn: RoPEAttention, side: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(cos, sin) tables of shape [side*side, head_dim/2] for a side x side feature map."""
    head_dim = attn.internal_dim // attn.num_heads
    cis = compute_axial_cis(dim=head_dim, end_x=side, end_y=side, theta=_theta(attn))
    return cis.real.float().contiguous(), cis.imag.float().contiguous()


def _theta(attn: RoPEAttention) -> float:
    # compute_cis is functools.partial(compute_axial_cis, dim=..., theta=...)
    return float(attn.compute_cis.keywords["theta"])


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate channel pairs of x [B, heads, N*L, D] by the angles of L positions.

    N (how many copies of the L-position grid x holds, e.g. several memory frames) may be
    dynamic; cos/sin are [L, D/2].
    """
    b, h, n_tokens, d = x.shape
    length = cos.shape[0]
    pairs = x.reshape(b, h, -1, length, d // 2, 2)
    a, c = pairs[..., 0], pairs[..., 1]
    out = torch.stack((a * cos - c * sin, a * sin + c * cos), dim=-1)
    return out.reshape(b, h, n_tokens, d)


# How far below its row's largest logit an attention logit may fall (see rope_attention).
LOGIT_FLOOR = 60.0


def rope_attention(
    attn: RoPEAttention,
    q: torch.Tensor,
    k_rope: torch.Tensor,
    v_rope: torch.Tensor,
    cos: torch.Tensor,
    sin: torch.Tensor,
    k_plain: torch.Tensor | None = None,
    v_plain: torch.Tensor | None = None,
) -> torch.Tensor:
    """sam2's RoPEAttention (eval mode) with the rotated and unrotated keys passed apart.

    q [B, Lq, C]; k_rope/v_rope [B, N*Lq, Ckv] are keys rotated like the query grid (the
    spatial memories, repeated N times); k_plain/v_plain [B, P, Ckv] are keys without
    rotation (object-pointer tokens). Attention is a softmax over all keys, so keeping the
    two key groups apart (instead of slicing one sequence at a dynamic offset) gives the
    same result and exports with dynamic N and P.
    """
    heads = attn.num_heads
    qh = attn._separate_heads(attn.q_proj(q), heads)
    kh = attn._separate_heads(attn.k_proj(k_rope), heads)
    vh = attn._separate_heads(attn.v_proj(v_rope), heads)
    qh = rotate(qh, cos, sin)
    kh = rotate(kh, cos, sin)
    if k_plain is not None and v_plain is not None:
        kh = torch.cat([kh, attn._separate_heads(attn.k_proj(k_plain), heads)], dim=2)
        vh = torch.cat([vh, attn._separate_heads(attn.v_proj(v_plain), heads)], dim=2)
    scale = 1.0 / float(qh.shape[-1]) ** 0.5
    logits = (qh @ kh.transpose(-2, -1)) * scale
    # A sharply trained memory lookup leaves most attention weights below float32's normal
    # range (exp(-87)); onnxruntime's CPU and WASM kernels multiply such subnormals tens of times
    # slower (the shipped nano propagated at 0.6x PyTorch, docs/benchmarks.md). Raising every
    # logit to at least max - LOGIT_FLOOR keeps each weight above ~1e-30 (normal even over
    # thousands of keys) and changes the output by less than float32 can represent.
    logits = torch.maximum(logits, logits.amax(dim=-1, keepdim=True) - LOGIT_FLOOR)
    weights = torch.softmax(logits, dim=-1)
    out = attn._recombine_heads(weights @ vh)
    return attn.out_proj(out)
