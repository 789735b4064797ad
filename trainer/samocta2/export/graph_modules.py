"""The four exported graphs as torch modules over a (LoRA-merged) SAM2Base.

Each module calls sam2's own submodules and weights; only the glue that sam2 keeps in
Python control flow (which frames have memory, single vs multimask choice, object-absent
handling) is expressed as tensor ops so that one graph covers every case. Semantics follow
SAM2Base._forward_sam_heads / _encode_new_memory / _prepare_memory_conditioned_features and
SAM2VideoPredictor; docs/model-bundle.md is the contract. Shapes below use
S = image size, H = W = S/16, C = hidden dim (256; 128 for nano), M = memory dim (64).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from sam2.modeling.sam2_base import NO_OBJ_SCORE
from sam2.modeling.sam2_utils import get_1d_sine_pe
from torch import nn

from .rope import rope_attention, rope_tables


class ImageEncoderGraph(nn.Module):
    """image [1,3,S,S] (normalized) -> image_embed [1,C,H,W], high_res_feat0 [1,C/8,4H,4W],
    high_res_feat1 [1,C/4,2H,2W] (the latter two already projected by the decoder's
    conv_s0/conv_s1, as SAM2Base.forward_image does)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        out = self.model.forward_image(image)
        feat0, feat1, top = out["backbone_fpn"][-3:]
        return top, feat0, feat1


class MaskDecoderGraph(nn.Module):
    """Prompt encoder + mask decoder + object pointer, for every kind of frame.

    Inputs: image_embed [1,C,H,W] (memory-conditioned features, or the raw image_embed on
    a frame without memory together with no_memory=1), high_res_feat0/1, point_coords
    [1,P,2] (model pixels), point_labels [1,P] int32 (1 pos, 0 neg, -1 none), mask_input
    [1,1,4H,4W] logits with has_mask_input [1] (0/1), no_memory [1] (0/1), multimask [1] (0/1).
    Outputs: masks [1,1,4H,4W] low-res logits of the chosen mask (-1024 where the object is
    absent), iou [1,1], obj_ptr [1,C], object_score_logits [1,1].
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        decoder = model.sam_mask_decoder
        self.stability_delta = float(decoder.dynamic_multimask_stability_delta)
        self.stability_thresh = float(decoder.dynamic_multimask_stability_thresh)
        self.dynamic_stability = bool(decoder.dynamic_multimask_via_stability)
        assert model.pred_obj_scores and model.fixed_no_obj_ptr and not model.soft_no_obj_ptr
        assert model.use_multimask_token_for_obj_ptr and model.directly_add_no_mem_embed

    def forward(
        self,
        image_embed: torch.Tensor,
        high_res_feat0: torch.Tensor,
        high_res_feat1: torch.Tensor,
        point_coords: torch.Tensor,
        point_labels: torch.Tensor,
        mask_input: torch.Tensor,
        has_mask_input: torch.Tensor,
        no_memory: torch.Tensor,
        multimask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        m = self.model
        prompt = m.sam_prompt_encoder
        channels = image_embed.shape[1]
        embed = image_embed + no_memory.reshape(1, 1, 1, 1) * m.no_mem_embed.reshape(
            1, channels, 1, 1
        )
        sparse = embed_points(prompt, point_coords, point_labels)
        has_mask = has_mask_input.reshape(1, 1, 1, 1)
        dense = has_mask * prompt._embed_masks(mask_input) + (
            1.0 - has_mask
        ) * prompt.no_mask_embed.weight.reshape(1, channels, 1, 1)
        if getattr(m, "point_prior", False):  # prompt_prior.enable: the prompt is added to the masks
            m.prior_for_decoder = has_mask * mask_input
        masks, ious, tokens, score = m.sam_mask_decoder.predict_masks(
            image_embeddings=embed,
            image_pe=prompt.get_dense_pe(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            repeat_image=False,
            high_res_features=[high_res_feat0, high_res_feat1],
        )
        # multimask: the best of masks 1..3 by predicted IoU, and its token for the pointer
        best = torch.argmax(ious[:, 1:], dim=-1) + 1  # [1]
        multi_mask = torch.index_select(masks, 1, best)
        multi_iou = torch.index_select(ious, 1, best)
        multi_token = torch.index_select(tokens, 1, best)[:, 0]
        # single mask: mask 0, or the best multimask when mask 0 is unstable; token 0 always
        single_mask, single_iou = masks[:, 0:1], ious[:, 0:1]
        if self.dynamic_stability:
            flat = single_mask.flatten(-2)
            area_i = (flat > self.stability_delta).float().sum(-1)
            area_u = (flat > -self.stability_delta).float().sum(-1)
            stability = torch.where(area_u > 0, area_i / area_u.clamp(min=1.0), 1.0)
            stable = stability >= self.stability_thresh  # [1,1]
            single_mask = torch.where(stable[..., None, None], single_mask, multi_mask)
            single_iou = torch.where(stable, single_iou, multi_iou)
        single_token = tokens[:, 0]
        use_multi = multimask.reshape(1, 1) > 0.5
        mask = torch.where(use_multi[..., None, None], multi_mask, single_mask)
        iou = torch.where(use_multi, multi_iou, single_iou)
        token = torch.where(use_multi, multi_token, single_token)
        # object absent: mask logits to NO_OBJ_SCORE, pointer to the learned no-object one
        present = score > 0  # [1,1]
        mask = torch.where(present[..., None, None], mask, torch.full_like(mask, NO_OBJ_SCORE))
        weight = present.float()
        obj_ptr = weight * m.obj_ptr_proj(token) + (1.0 - weight) * m.no_obj_ptr
        return mask, iou, obj_ptr, score


def embed_points(prompt: nn.Module, coords: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """PromptEncoder._embed_points(pad=True) without its in-place coordinate scaling (which
    exports as ScatterND): points [1,P,2] model pixels, labels [1,P] -> [1,P+1,C]."""
    size = float(prompt.input_image_size[0])  # square input
    pad_point = torch.zeros_like(coords[:, :1])
    pad_label = -torch.ones_like(labels[:, :1])
    points = torch.cat([coords + 0.5, pad_point], dim=1) / size
    labels = torch.cat([labels, pad_label], dim=1).unsqueeze(-1)
    embedding = prompt.pe_layer._pe_encoding(points)
    embedding = torch.where(labels == -1, prompt.not_a_point_embed.weight.expand_as(embedding), embedding)
    for value, learned in enumerate(prompt.point_embeddings):
        embedding = torch.where(labels == value, embedding + learned.weight, embedding)
    return embedding


class MemoryEncoderGraph(nn.Module):
    """image_embed [1,C,H,W] (raw, not conditioned), masks [1,1,4H,4W] (decoder output),
    object_score_logits [1,1], is_prompted [1] (1 on frames with clicks: the mask is
    binarized as the user sees it) -> maskmem_features [1,M,H,W]."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        assert model.no_obj_embed_spatial is not None

    def forward(
        self,
        image_embed: torch.Tensor,
        masks: torch.Tensor,
        object_score_logits: torch.Tensor,
        is_prompted: torch.Tensor,
    ) -> torch.Tensor:
        m = self.model
        size = m.image_size
        high = F.interpolate(masks, size=(size, size), mode="bilinear", align_corners=False)
        if m.binarize_mask_from_pts_for_mem_enc:
            prob = torch.where(
                is_prompted.reshape(1, 1, 1, 1) > 0.5, (high > 0).float(), torch.sigmoid(high)
            )
        else:
            prob = torch.sigmoid(high)
        prob = prob * m.sigmoid_scale_for_mem_enc + m.sigmoid_bias_for_mem_enc
        feats = m.memory_encoder(image_embed, prob, skip_mask_sigmoid=True)["vision_features"]
        absent = 1.0 - (object_score_logits > 0).float()  # [1,1]
        return feats + absent[..., None, None] * m.no_obj_embed_spatial[..., None, None]


class MemoryAttentionGraph(nn.Module):
    """Condition the current frame's features on the memory bank.

    Inputs: image_embed [1,C,H,W]; memory [N,M,H,W] (N >= 1 memory frames, any order);
    memory_tpos [N] int64 (0 for conditioning frames, else 1..num_maskmem-1 = how recent:
    num_maskmem-1 is the previous frame); obj_ptrs [P,C] (P >= 1); obj_ptr_tpos [P] float32
    (signed frame distance divided by the pointer window, see docs/model-bundle.md).
    Output: conditioned [1,C,H,W], the mask decoder's image_embed.
    The spatial position encodings (image and memory) are constants baked into the graph.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        attention = model.memory_attention
        layer = attention.layers[0]
        assert attention.pos_enc_at_input and attention.batch_first
        assert not layer.pos_enc_at_attn and layer.pos_enc_at_cross_attn_keys
        assert not layer.pos_enc_at_cross_attn_queries
        side = model.image_size // model.backbone_stride
        channels, mem_dim = model.hidden_dim, model.mem_dim
        with torch.no_grad():
            curr_pos = model.image_encoder.neck.position_encoding(torch.zeros(1, channels, side, side))
            mem_pos = model.memory_encoder.position_encoding(torch.zeros(1, mem_dim, side, side))
        # [HW, C] and [HW, M], token order = row-major over (y, x), as sam2 flattens
        self.register_buffer("curr_pos", curr_pos[0].flatten(1).t().contiguous())
        self.register_buffer("mem_pos", mem_pos[0].flatten(1).t().contiguous())
        cos, sin = rope_tables(layer.self_attn, side)
        self.register_buffer("rope_cos", cos)
        self.register_buffer("rope_sin", sin)
        self.ptr_split = channels // mem_dim  # a pointer becomes this many memory tokens

    def forward(
        self,
        image_embed: torch.Tensor,
        memory: torch.Tensor,
        memory_tpos: torch.Tensor,
        obj_ptrs: torch.Tensor,
        obj_ptr_tpos: torch.Tensor,
    ) -> torch.Tensor:
        m = self.model
        _, channels, h, w = image_embed.shape
        mem_dim = m.mem_dim
        # spatial memory tokens [1, N*HW, M] with spatial + temporal position encodings
        mem = memory.flatten(2).transpose(1, 2).reshape(1, -1, mem_dim)
        tpos = torch.index_select(
            m.maskmem_tpos_enc.reshape(m.num_maskmem, mem_dim), 0, m.num_maskmem - 1 - memory_tpos
        )  # [N, M]
        mem_pos = (self.mem_pos.unsqueeze(0) + tpos.unsqueeze(1)).reshape(1, -1, mem_dim)
        # object-pointer tokens [1, P*split, M]: each C-vector split into C/M tokens
        ptr_pos = get_1d_sine_pe(obj_ptr_tpos, dim=channels)
        ptr_pos = m.obj_ptr_tpos_proj(ptr_pos)  # [P, M]
        ptrs = obj_ptrs.reshape(-1, self.ptr_split, mem_dim).reshape(1, -1, mem_dim)
        ptr_pos = ptr_pos.repeat_interleave(self.ptr_split, dim=0).reshape(1, -1, mem_dim)

        curr_pos = self.curr_pos.unsqueeze(0)  # [1, HW, C]
        x = image_embed.flatten(2).transpose(1, 2) + 0.1 * curr_pos
        cos, sin = self.rope_cos, self.rope_sin
        for layer in m.memory_attention.layers:
            y = layer.norm1(x)
            x = x + rope_attention(layer.self_attn, y, y, y, cos, sin)
            y = layer.norm2(x)
            x = x + rope_attention(
                layer.cross_attn_image, y, mem + mem_pos, mem, cos, sin, ptrs + ptr_pos, ptrs
            )
            y = layer.norm3(x)
            x = x + layer.linear2(layer.activation(layer.linear1(y)))
        x = m.memory_attention.norm(x)
        return x.transpose(1, 2).reshape(1, channels, h, w)
