/* tfjs_model.c — kt_model_load_tfjs: model.json through cJSON, the weight
 * shards, then the runtime's common preparation (model.c). */
#include "cJSON.h"
#include "core/error.h"
#include "loaders/tfjs/tfjs_internal.h"
#include "runtime/model_internal.h"

kt_status kt_model_load_tfjs(const char* model_json, size_t model_json_len, const uint8_t* weights,
                             size_t weights_len, kt_backend backend, kt_model** model_out) {
  kt_clear_error();
  if (!model_json || !model_out || (!weights && weights_len))
    return kt_fail(kt_status_invalid_argument, "NULL model bytes");
  kt_model* m = NULL;
  kt_status s = kt_model_new(&m);
  if (s != kt_status_ok) return s;
  cJSON* json = cJSON_ParseWithLength(model_json, model_json_len);
  if (!json) s = kt_fail(kt_status_model_format, "model.json is not valid JSON");
  if (s == kt_status_ok)
    s = kt_tfjs_load_weights(&m->graph, cJSON_GetObjectItemCaseSensitive(json, "weightsManifest"), weights, weights_len);
  if (s == kt_status_ok) s = kt_tfjs_load_topology(&m->graph, json);
  cJSON_Delete(json);
  return kt_model_finish_load(m, s, backend, NULL, 0, model_out);
}
