/* xnn_backend.h — lowers a prepared graph's phase-1 nodes to one XNNPACK
 * subgraph and runtime (internal). Built once at model load: weights are
 * repacked once, the runtime is reshaped and set up once with the arena's
 * pointers, and each kt_graph_run only invokes it. */
#ifndef KT_RUNTIME_XNN_BACKEND_H
#define KT_RUNTIME_XNN_BACKEND_H

#include "runtime/graph.h"

struct kt_xnn_backend;

/* Returns kt_status_unsupported in builds without XNNPACK (native tests). */
kt_status kt_xnn_backend_create(kt_graph* graph, struct kt_xnn_backend** backend_out);
kt_status kt_xnn_backend_invoke(struct kt_xnn_backend* backend);
void kt_xnn_backend_destroy(struct kt_xnn_backend* backend);

#endif
