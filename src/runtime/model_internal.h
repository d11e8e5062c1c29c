/* model_internal.h — what loaders and pose pipelines may use of a kt_model
 * beyond the public header (internal). */
#ifndef KT_RUNTIME_MODEL_INTERNAL_H
#define KT_RUNTIME_MODEL_INTERNAL_H

#include "runtime/frame_warp.h"
#include "runtime/graph.h"

struct kt_model {
  kt_graph graph;
};

/* For loaders: an empty model to fill, then the common tail of every load:
 * keeps only the outputs named in `keep` (NULL: all; the nodes that feed
 * none of them are dropped), prepares the graph for `backend`, and either
 * hands the model out or destroys it. `load_status` is the loader's own
 * result; on failure the model is destroyed and that status returned. */
kt_status kt_model_new(kt_model** model_out);
kt_status kt_model_finish_load(kt_model* model, kt_status load_status, kt_backend backend,
                               const char* const* keep, int num_keep, kt_model** model_out);

/* For pipelines: the model's own input buffer (NULL when the input is not
 * of `type`); fill it, call kt_model_run_in_place, read outputs with
 * kt_model_output. No copies. */
void* kt_model_input_buffer(kt_model* model, kt_element_type type);
kt_status kt_model_run_in_place(kt_model* model);

/* For pipelines on a GPU backend: runs the model with its input sampled by
 * `warp` from `texture` (width x height RGBA8 on the backend's own
 * context; runtime/frame_warp.h) on the GPU, so the frame never enters
 * wasm memory; outputs as after kt_model_run_in_place. unsupported (with
 * the reason) on a backend without a GPU, or where C would change the
 * input before the backend reads it. (graph_texture.c) */
kt_status kt_model_run_texture(kt_model* model, uint32_t texture, int32_t width, int32_t height, const kt_warp* warp);

#endif
