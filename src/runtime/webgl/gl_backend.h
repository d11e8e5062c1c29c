/* gl_backend.h — what the WebGL2 backend's plan made of a graph, for tests
 * and diagnostics (internal). */
#ifndef KT_RUNTIME_WEBGL_GL_BACKEND_H
#define KT_RUNTIME_WEBGL_GL_BACKEND_H

#include "runtime/graph.h"

typedef struct kt_gl_plan_stats {
  int passes;   /* render passes a run draws */
  int slots;    /* tensors with their own storage (views share one) */
  int textures; /* textures holding them: fewer once reuse pays */
  int uploads, readbacks;
} kt_gl_plan_stats;

/* kt_status_invalid_argument unless `graph` was prepared for kt_backend_webgl. */
kt_status kt_gl_plan_stats_of(const kt_graph* graph, kt_gl_plan_stats* stats_out);

#endif
