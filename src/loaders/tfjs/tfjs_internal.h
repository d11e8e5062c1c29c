/* tfjs_internal.h — pieces of the TF.js graph-model loader (internal). */
#ifndef KT_LOADERS_TFJS_INTERNAL_H
#define KT_LOADERS_TFJS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cJSON.h"
#include "runtime/graph.h"

/* obj[key] when it is a string, else NULL. */
static inline const char* kt_json_string(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Adds one constant tensor per manifest entry, in manifest order, reading
 * `weights` (all shards concatenated). The bytes must match exactly. */
kt_status kt_tfjs_load_weights(kt_graph* graph, const cJSON* manifest,
                               const uint8_t* weights, size_t weights_len);

/* Adds the nodes of modelTopology.node and the graph's input and output;
 * converts conv filters to the graph's layouts (graph.h). */
kt_status kt_tfjs_load_topology(kt_graph* graph, const cJSON* model);

#endif
