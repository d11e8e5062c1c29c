/* graph.c — building, preparing (sort, infer, fold, partition, plan) and
 * running a kt_graph. See graph.h for the overall flow. */
#include "runtime/graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "runtime/backend.h"
#include "runtime/graph_plan.h"

/* Bound on any tensor (16 Mi elements): a few hundred bytes of a model
 * file must not make us allocate gigabytes (the arena's bound is in
 * graph_plan.c). MoveNet's largest tensor has 0.9 Mi elements. */
#define KT_MAX_TENSOR_ELEMENTS ((size_t)1 << 24)

static char* dup_string(const char* s) {
  size_t n = strlen(s);
  char* d = malloc(n + 1);
  if (d) memcpy(d, s, n + 1);
  return d;
}

kt_status kt_graph_init(kt_graph* graph) {
  if (!graph) return kt_status_invalid_argument;
  memset(graph, 0, sizeof(*graph));
  return kt_status_ok;
}

void kt_graph_release(kt_graph* graph) {
  if (!graph) return;
  if (graph->impl && graph->impl_state) graph->impl->destroy(graph->impl_state);
  for (int i = 0; i < graph->num_tensors; i++) {
    free(graph->tensors[i].name);
    if (graph->tensors[i].is_const) free(graph->tensors[i].data);
  }
  for (int i = 0; i < graph->num_nodes; i++) free(graph->nodes[i].name);
  free(graph->tensors);
  free(graph->nodes);
  free(graph->order);
  free(graph->arena);
  memset(graph, 0, sizeof(*graph));
}

size_t kt_dims_count(int rank, const int32_t* dims) {
  size_t c = 1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0) return 0;
    if (dims[i] != 0 && c > KT_MAX_TENSOR_ELEMENTS / (size_t)dims[i]) return KT_MAX_TENSOR_ELEMENTS + 1;
    c *= (size_t)dims[i];
  }
  return c;
}

kt_status kt_tensor_set_shape(kt_tensor* t, kt_dtype dtype, int rank, const int32_t* dims) {
  if (rank < 0 || rank > KT_MAX_DIMS) return kt_status_unsupported;
  for (int i = 0; i < rank; i++)
    if (dims[i] < 0) return kt_status_model_format;
  size_t count = kt_dims_count(rank, dims);
  if (count > KT_MAX_TENSOR_ELEMENTS) return kt_status_model_format;
  if (t->shaped && t->is_const) {
    /* A constant's shape comes from its data: it must agree. */
    if (t->count != count || t->dtype != dtype) return kt_status_model_format;
  }
  t->dtype = dtype;
  t->rank = rank;
  for (int i = 0; i < KT_MAX_DIMS; i++) t->dims[i] = i < rank ? dims[i] : 1;
  t->count = count;
  t->shaped = true;
  return kt_status_ok;
}

kt_status kt_graph_add_tensor(kt_graph* g, const char* name, kt_dtype dtype, int rank,
                              const int32_t* dims, int* index_out) {
  if (!g || !name || !index_out) return kt_status_invalid_argument;
  if (g->num_tensors == g->cap_tensors) {
    int cap = g->cap_tensors ? g->cap_tensors * 2 : 64;
    kt_tensor* t = realloc(g->tensors, (size_t)cap * sizeof(*t));
    if (!t) return kt_status_out_of_memory;
    g->tensors = t;
    g->cap_tensors = cap;
  }
  kt_tensor* t = &g->tensors[g->num_tensors];
  memset(t, 0, sizeof(*t));
  t->name = dup_string(name);
  if (!t->name) return kt_status_out_of_memory;
  t->producer = -1;
  t->dtype = dtype;
  if (dims) {
    kt_status s = kt_tensor_set_shape(t, dtype, rank, dims);
    if (s != kt_status_ok) {
      free(t->name);
      return s;
    }
  }
  *index_out = g->num_tensors++;
  return kt_status_ok;
}

kt_status kt_graph_add_node(kt_graph* g, kt_op_type op, const char* name, int* index_out) {
  if (!g || !name || !index_out || !kt_op_get_info(op)) return kt_status_invalid_argument;
  if (g->num_nodes == g->cap_nodes) {
    int cap = g->cap_nodes ? g->cap_nodes * 2 : 64;
    kt_node* n = realloc(g->nodes, (size_t)cap * sizeof(*n));
    if (!n) return kt_status_out_of_memory;
    g->nodes = n;
    g->cap_nodes = cap;
  }
  kt_node* n = &g->nodes[g->num_nodes];
  memset(n, 0, sizeof(*n));
  n->name = dup_string(name);
  if (!n->name) return kt_status_out_of_memory;
  n->op = op;
  n->attrs.stride_h = n->attrs.stride_w = n->attrs.dilation_h = n->attrs.dilation_w = 1;
  n->attrs.act_min = -INFINITY;
  n->attrs.act_max = INFINITY;
  *index_out = g->num_nodes++;
  return kt_status_ok;
}

int kt_graph_find_tensor(const kt_graph* g, const char* name) {
  for (int i = 0; i < g->num_tensors; i++)
    if (strcmp(g->tensors[i].name, name) == 0) return i;
  return -1;
}

static kt_status add_io(kt_graph* g, int index, int* list, int* count) {
  if (!g || index < 0 || index >= g->num_tensors) return kt_status_invalid_argument;
  if (*count >= KT_MAX_GRAPH_IO) return kt_status_unsupported;
  for (int i = 0; i < *count; i++)
    if (list[i] == index) return kt_status_model_format;
  list[(*count)++] = index;
  return kt_status_ok;
}

kt_status kt_graph_add_input(kt_graph* g, int index) {
  return g ? add_io(g, index, g->inputs, &g->num_inputs) : kt_status_invalid_argument;
}

kt_status kt_graph_add_output(kt_graph* g, int index) {
  return g ? add_io(g, index, g->outputs, &g->num_outputs) : kt_status_invalid_argument;
}

bool kt_graph_is_input(const kt_graph* g, int index) {
  for (int i = 0; i < g->num_inputs; i++)
    if (g->inputs[i] == index) return true;
  return false;
}

bool kt_graph_is_output(const kt_graph* g, int index) {
  for (int i = 0; i < g->num_outputs; i++)
    if (g->outputs[i] == index) return true;
  return false;
}

kt_status kt_const_ints(const kt_tensor* t, int32_t* values, int max_values, int* count_out) {
  if (!t->is_const || !t->data) return kt_status_unsupported; /* dynamic shapes: not supported */
  if (t->count > (size_t)max_values) return kt_status_model_format;
  for (size_t i = 0; i < t->count; i++) {
    if (t->dtype == kt_dtype_i32) {
      values[i] = ((const int32_t*)t->data)[i];
    } else {
      float v = ((const float*)t->data)[i];
      if (!(v > -1e9f && v < 1e9f)) return kt_status_model_format;
      values[i] = (int32_t)v;
    }
  }
  *count_out = (int)t->count;
  return kt_status_ok;
}

kt_status kt_const_axis(const kt_tensor* t, int rank, int* axis_out) {
  int32_t v[1];
  int cnt = 0;
  kt_status s = kt_const_ints(t, v, 1, &cnt);
  if (s != kt_status_ok) return s;
  if (cnt != 1) return kt_status_model_format;
  int a = v[0] < 0 ? v[0] + rank : v[0];
  if (a < 0 || a >= rank) return kt_status_model_format;
  *axis_out = a;
  return kt_status_ok;
}

/* ------------------------------------------------------------- prepare */

/* Kahn's algorithm over tensor producer links; fails on cycles or on a
 * node reading a tensor that nothing produces and that is not a constant
 * or the graph input. */
static kt_status topo_sort(kt_graph* g, int* order) {
  kt_status status = kt_status_ok;
  int* pending = calloc((size_t)g->num_nodes + 1, sizeof(int));
  int* queue = malloc(((size_t)g->num_nodes + 1) * sizeof(int));
  if (!pending || !queue) {
    status = kt_status_out_of_memory;
    goto cleanup;
  }
  int head = 0, tail = 0;
  for (int i = 0; i < g->num_nodes; i++) {
    const kt_node* n = &g->nodes[i];
    for (int k = 0; k < n->num_inputs; k++) {
      const kt_tensor* t = &g->tensors[n->inputs[k]];
      if (t->producer >= 0) {
        pending[i]++;
      } else if (!t->is_const && !kt_graph_is_input(g, n->inputs[k])) {
        status = kt_status_model_format;
        goto cleanup;
      }
    }
    if (pending[i] == 0) queue[tail++] = i;
  }
  int count = 0;
  while (head < tail) {
    int i = queue[head++];
    order[count++] = i;
    /* Consumers of i's outputs: a linear scan keeps this simple; graphs
     * here have hundreds of nodes and this runs once. */
    for (int j = 0; j < g->num_nodes; j++) {
      const kt_node* m = &g->nodes[j];
      for (int k = 0; k < m->num_inputs; k++)
        if (g->tensors[m->inputs[k]].producer == i && --pending[j] == 0) queue[tail++] = j;
    }
  }
  if (count != g->num_nodes) status = kt_status_model_format; /* cycle */
cleanup:
  free(pending);
  free(queue);
  return status;
}

/* Marks nodes that feed no model output dead (a pipeline that reads only
 * some outputs of a model does not pay for the others). Walks the order
 * backwards: a node lives when something live reads one of its outputs. */
static void mark_dead(kt_graph* g, const int* order) {
  bool* needed = calloc((size_t)g->num_tensors + 1, sizeof(bool));
  for (int i = 0; i < g->num_nodes; i++) g->nodes[i].dead = needed != NULL ? true : false;
  if (!needed) return; /* no memory for the analysis: keep everything */
  for (int i = 0; i < g->num_outputs; i++) needed[g->outputs[i]] = true;
  for (int p = g->num_nodes - 1; p >= 0; p--) {
    kt_node* n = &g->nodes[order[p]];
    for (int o = 0; o < n->num_outputs && n->dead; o++)
      if (needed[n->outputs[o]]) n->dead = false;
    if (n->dead) continue;
    for (int k = 0; k < n->num_inputs; k++) needed[n->inputs[k]] = true;
  }
  free(needed);
}

/* Infers shapes in order; nodes whose inputs are all constant run now and
 * their outputs become constants. */
static kt_status infer_and_fold(kt_graph* g, const int* order) {
  for (int p = 0; p < g->num_nodes; p++) {
    kt_node* n = &g->nodes[order[p]];
    if (n->dead) continue;
    const kt_op_info* info = kt_op_get_info(n->op);
    bool all_const = true;
    for (int k = 0; k < n->num_inputs; k++) {
      const kt_tensor* t = &g->tensors[n->inputs[k]];
      if (!t->shaped) return kt_status_model_format;
      if (!t->is_const) all_const = false;
    }
    kt_status s = info->infer(g, n);
    if (s != kt_status_ok) return s;
    if (!all_const) continue;
    for (int o = 0; o < n->num_outputs; o++) {
      kt_tensor* t = &g->tensors[n->outputs[o]];
      t->data = malloc(t->count ? t->count * kt_dtype_size(t->dtype) : 1);
      if (!t->data) return kt_status_out_of_memory;
      t->is_const = true;
    }
    s = info->run(g, n);
    if (s != kt_status_ok) return s;
    n->folded = true;
  }
  return kt_status_ok;
}

/* Phase 0: C before the backend; 1: the backend; 2: C after
 * (post-processing). A node joins the backend when the backend supports it
 * and none of its inputs comes from post-processing, so the dense part runs
 * as one backend runtime and post-processing stays in C. */
static void assign_phases(kt_graph* g, const int* order) {
  for (int i = 0; i < g->num_inputs; i++) g->tensors[g->inputs[i]].phase = 0;
  for (int p = 0; p < g->num_nodes; p++) {
    kt_node* n = &g->nodes[order[p]];
    if (n->folded || n->dead) continue;
    int maxp = 0;
    for (int k = 0; k < n->num_inputs; k++) {
      const kt_tensor* t = &g->tensors[n->inputs[k]];
      if (!t->is_const && t->phase > maxp) maxp = t->phase;
    }
    if (g->impl && maxp <= 1 && g->impl->supports(g, n))
      n->phase = 1;
    else
      n->phase = maxp == 0 ? 0 : 2;
    for (int o = 0; o < n->num_outputs; o++) g->tensors[n->outputs[o]].phase = n->phase;
  }
}

kt_status kt_graph_prepare(kt_graph* g, kt_backend backend) {
  if (!g || g->num_inputs < 1 || g->num_outputs < 1 || g->order) return kt_status_invalid_argument;
  if (backend != kt_backend_xnnpack && backend != kt_backend_reference && backend != kt_backend_webgl)
    return kt_status_invalid_argument;
  g->backend = backend;
  g->impl = kt_backend_get(backend);
  if (backend != kt_backend_reference && !g->impl)
    return kt_fail(kt_status_unsupported, "the %s backend is not in this build",
                   backend == kt_backend_webgl ? "webgl" : "xnnpack");
  int* topo = malloc(((size_t)g->num_nodes + 1) * sizeof(int));
  g->order = malloc(((size_t)g->num_nodes + 1) * sizeof(int));
  if (!topo || !g->order) {
    free(topo);
    return kt_status_out_of_memory;
  }
  kt_status s = topo_sort(g, topo);
  if (s == kt_status_ok) mark_dead(g, topo);
  if (s == kt_status_ok) s = infer_and_fold(g, topo);
  for (int i = 0; s == kt_status_ok && i < g->num_outputs; i++)
    if (g->tensors[g->outputs[i]].is_const) s = kt_status_unsupported;
  if (s == kt_status_ok) {
    assign_phases(g, topo);
    /* Stable sort by phase keeps the order topological: a node never
     * reads from a later phase. */
    g->num_order = 0;
    for (int phase = 0; phase <= 2; phase++)
      for (int p = 0; p < g->num_nodes; p++)
        if (!g->nodes[topo[p]].folded && !g->nodes[topo[p]].dead && g->nodes[topo[p]].phase == phase)
          g->order[g->num_order++] = topo[p];
    s = kt_graph_plan_memory(g);
  }
  if (s == kt_status_ok && g->impl) s = g->impl->create(g, &g->impl_state);
  free(topo);
  return s;
}

kt_status kt_graph_run(kt_graph* g) {
  if (!g || !g->order) return kt_status_invalid_state;
  bool xnn_done = false;
  for (int p = 0; p < g->num_order; p++) {
    const kt_node* n = &g->nodes[g->order[p]];
    kt_status s;
    if (n->phase == 1) {
      if (xnn_done) continue;
      s = g->impl->invoke(g->impl_state);
      xnn_done = true;
    } else {
      s = kt_op_get_info(n->op)->run(g, n);
    }
    if (s != kt_status_ok) return s;
  }
  return kt_status_ok;
}
