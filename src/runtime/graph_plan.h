/* graph_plan.h — step 4 of kt_graph_prepare (graph.h), in its own file
 * (internal): every tensor that lives outside the backend gets an offset in
 * one arena; tensors whose live ranges overlap never share bytes (greedy
 * by size, first fit). Model inputs and outputs always get memory. Needs
 * the execution order and phases set. */
#ifndef KT_RUNTIME_GRAPH_PLAN_H
#define KT_RUNTIME_GRAPH_PLAN_H

#include "runtime/graph.h"

kt_status kt_graph_plan_memory(kt_graph* graph);

/* Whether `index` is one of the graph's outputs. */
bool kt_graph_is_output(const kt_graph* graph, int index);

#endif
