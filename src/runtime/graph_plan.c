/* graph_plan.c — the memory plan of a prepared graph (graph_plan.h). */
#include "runtime/graph_plan.h"

#include <stdlib.h>
#include <string.h>

/* Bounds on the planned arena (256 MiB): a few hundred bytes of a model
 * file must not make us allocate gigabytes. MoveNet's arena is ~10 MiB,
 * BlazePose heavy's under 40 MiB. */
#define KT_MAX_ARENA_BYTES ((size_t)256 << 20)

typedef struct {
  int tensor;
  int start, end;
  size_t size;
} live_range;

static int by_size_desc(const void* a, const void* b) {
  const live_range* x = a;
  const live_range* y = b;
  return x->size < y->size ? 1 : (x->size > y->size ? -1 : x->tensor - y->tensor);
}

/* Gives every tensor that lives outside XNNPACK an offset in one arena;
 * tensors whose live ranges overlap never share bytes. Greedy by size. */
kt_status kt_graph_plan_memory(kt_graph* g) {
  int first_xnn = -1, last_xnn = -1;
  int* pos = malloc(((size_t)g->num_nodes + 1) * sizeof(int));
  live_range* ranges = malloc(((size_t)g->num_tensors + 1) * sizeof(*ranges));
  kt_status status = kt_status_ok;
  if (!pos || !ranges) {
    status = kt_status_out_of_memory;
    goto cleanup;
  }
  for (int i = 0; i < g->num_nodes; i++) pos[i] = -1;
  for (int p = 0; p < g->num_order; p++) {
    pos[g->order[p]] = p;
    if (g->nodes[g->order[p]].phase == 1) {
      if (first_xnn < 0) first_xnn = p;
      last_xnn = p;
    }
  }
  for (int i = 0; i < g->num_tensors; i++) {
    kt_tensor* t = &g->tensors[i];
    t->last_use = -2;
    t->needs_buffer = false;
  }
  for (int p = 0; p < g->num_order; p++) {
    const kt_node* n = &g->nodes[g->order[p]];
    for (int k = 0; k < n->num_inputs; k++) {
      kt_tensor* t = &g->tensors[n->inputs[k]];
      if (t->is_const) continue;
      int use = n->phase == 1 ? last_xnn : p;
      if (use > t->last_use) t->last_use = use;
      bool producer_xnn = t->producer >= 0 && g->nodes[t->producer].phase == 1;
      if (!(producer_xnn && n->phase == 1)) t->needs_buffer = true;
    }
    /* A C kernel writes every output, even one nothing reads (an Unpack
     * slice the model ignores): those need memory too. */
    if (n->phase != 1)
      for (int o = 0; o < n->num_outputs; o++) g->tensors[n->outputs[o]].needs_buffer = true;
  }
  int num_ranges = 0;
  for (int i = 0; i < g->num_tensors; i++) {
    kt_tensor* t = &g->tensors[i];
    if (t->is_const) continue;
    if (kt_graph_is_output(g, i)) {
      t->needs_buffer = true;
      t->last_use = g->num_order;
    }
    if (kt_graph_is_input(g, i)) t->needs_buffer = true; /* written by every run, read or not */
    if (!t->needs_buffer) continue;
    int start = -1;
    if (t->producer >= 0) start = g->nodes[t->producer].phase == 1 ? first_xnn : pos[t->producer];
    if (t->last_use < start) t->last_use = start; /* produced, never read */
    ranges[num_ranges++] = (live_range){i, start, t->last_use, (t->count * kt_dtype_size(t->dtype) + 15) & ~(size_t)15};
  }
  qsort(ranges, (size_t)num_ranges, sizeof(*ranges), by_size_desc);
  size_t total = 0;
  for (int r = 0; r < num_ranges; r++) {
    size_t offset = 0;
    bool moved = true;
    while (moved) { /* first fit below every overlapping, already placed range */
      moved = false;
      for (int q = 0; q < r; q++) {
        if (ranges[q].end < ranges[r].start || ranges[r].end < ranges[q].start) continue;
        size_t qo = g->tensors[ranges[q].tensor].arena_offset;
        if (offset < qo + ranges[q].size && qo < offset + ranges[r].size) {
          offset = qo + ranges[q].size;
          moved = true;
        }
      }
    }
    g->tensors[ranges[r].tensor].arena_offset = offset;
    if (offset + ranges[r].size > total) total = offset + ranges[r].size;
  }
  if (total > KT_MAX_ARENA_BYTES) {
    status = kt_status_unsupported;
    goto cleanup;
  }
  size_t arena_bytes = (total + 63) & ~(size_t)63;
  g->arena = aligned_alloc(64, arena_bytes ? arena_bytes : 64);
  if (!g->arena) {
    status = kt_status_out_of_memory;
    goto cleanup;
  }
  memset(g->arena, 0, total);
  g->arena_size = total;
  for (int i = 0; i < g->num_tensors; i++) {
    kt_tensor* t = &g->tensors[i];
    if (!t->is_const) t->data = t->needs_buffer ? g->arena + t->arena_offset : NULL;
  }
cleanup:
  free(pos);
  free(ranges);
  return status;
}

