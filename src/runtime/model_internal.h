/* model_internal.h — what pose pipelines may use of a kt_model beyond the
 * public header: its planned input/output buffers, to run without copies. */
#ifndef KT_RUNTIME_MODEL_INTERNAL_H
#define KT_RUNTIME_MODEL_INTERNAL_H

#include "runtime/graph.h"

struct kt_model {
  kt_graph graph;
};

/* The model's own input buffer (i32 models) and output buffer; fill the
 * input, call kt_model_run_in_place, read the output. */
int32_t* kt_model_input_buffer_i32(kt_model* model);
const float* kt_model_output_buffer(const kt_model* model);
kt_status kt_model_run_in_place(kt_model* model);

#endif
