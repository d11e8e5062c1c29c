/* backend.h — the interface between the graph and an accelerated backend
 * (internal).
 *
 * kt_graph_prepare asks the backend which nodes it `supports`, gives it
 * the nodes it accepted (phase 1, a contiguous run in execution order) to
 * compile once in `create`, and kt_graph_run calls `invoke` once per run.
 * Tensors the backend shares with C (phase 0/2 and model inputs/outputs)
 * have arena memory (kt_tensor.data) that stays put for the model's life;
 * everything else about the compiled form (value ids, packed weights) is
 * the backend's own state. A second backend (WebGL, threads) is another
 * kt_backend_impl, not branches through the graph code. */
#ifndef KT_RUNTIME_BACKEND_H
#define KT_RUNTIME_BACKEND_H

#include "runtime/frame_warp.h"
#include "runtime/graph.h"

typedef struct kt_backend_impl {
  const char* name;
  /* Whether the backend can run node `n` (shapes and dtypes inferred). */
  bool (*supports)(const kt_graph* graph, const kt_node* n);
  /* Compiles every phase-1 node of a planned graph; `*state_out` is
   * handed back to invoke/destroy. */
  kt_status (*create)(kt_graph* graph, void** state_out);
  kt_status (*invoke)(void* state);
  void (*destroy)(void* state);
  /* Sizes the pool every later `create` hands its runtime (kt_set_threads
   * has checked 1..KT_MAX_THREADS); NULL for a backend without threads. */
  kt_status (*set_threads)(int threads);
  int (*threads)(void);
  /* A run whose model input (graph tensor `tensor`, [1, H, W, 3] f32, one
   * the backend reads) is sampled by `warp` from `texture`, a width x
   * height RGBA8 texture on the backend's own GPU context, instead of
   * being written by C: the frame's pixels stay on the GPU. NULL for a
   * backend without a GPU (kt_model_run_texture then refuses). */
  kt_status (*invoke_texture)(void* state, int tensor, uint32_t texture, int32_t width, int32_t height,
                              const kt_warp* warp);
} kt_backend_impl;

/* The implementation behind a kt_backend value; NULL for
 * kt_backend_reference (C kernels only) and for backends this build lacks
 * (native builds have no XNNPACK). */
const kt_backend_impl* kt_backend_get(kt_backend backend);

#endif
