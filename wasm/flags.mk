# wasm/flags.mk — every Emscripten flag of kinetrack's wasm build, in one
# place. Included by the top-level Makefile.

KT_WASM_OPT ?= -O3
KT_WASM_CFLAGS := -std=c11 -Wall -Wextra -Werror $(KT_WASM_OPT) -msimd128 -DNDEBUG -DKT_HAVE_XNNPACK

KT_WASM_EXPORTS := kt_wasm_alloc kt_wasm_free kt_wasm_last_error kt_wasm_heap_in_use kt_wasm_set_threads kt_wasm_threads kt_wasm_kernels \
  kt_wasm_model_load kt_wasm_model_destroy kt_wasm_model_run_i32 \
  kt_wasm_model_load_tflite kt_wasm_model_num_outputs kt_wasm_model_output_info kt_wasm_model_run_f32 kt_wasm_model_output \
  kt_wasm_tracker_create kt_wasm_tracker_create_with_models kt_wasm_tracker_set_smoothing kt_wasm_tracker_model_name kt_wasm_tracker_error_json kt_wasm_tracker_destroy kt_wasm_tracker_set_live \
  kt_wasm_tracker_set_movement kt_wasm_definition_check \
  kt_wasm_tracker_set_reference kt_wasm_refbuild_create kt_wasm_refbuild_add kt_wasm_refbuild_finish kt_wasm_refbuild_destroy \
  kt_wasm_tracker_process kt_wasm_tracker_process_texture kt_wasm_tracker_frame_stats kt_wasm_tracker_finish kt_wasm_tracker_image_overlay \
  kt_wasm_tracker_source_is_image kt_wasm_tracker_skeleton_enabled \
  kt_wasm_tracker_render_last kt_wasm_tracker_last_keypoints \
  kt_wasm_message_initialization kt_wasm_message_environment kt_wasm_message_error kt_wasm_message_reference_signature kt_wasm_message_export_ready \
  kt_wasm_query_parse kt_wasm_movenet_photo_input kt_wasm_yuv420_to_rgba malloc free
comma := ,
empty :=
space := $(empty) $(empty)
KT_WASM_EXPORTS_JSON := [$(subst $(space),$(comma),$(strip $(patsubst %,'_%',$(KT_WASM_EXPORTS))))]

# One ES module usable from Node (the library, the CLI) and from browsers
# (page or Web Worker). It is built for web,worker only: Emscripten 3.1.6's
# Node code path uses __dirname/require, which ES modules lack. Node needs
# none of it because the loader always hands the wasm bytes in itself
# (Node 20's fetch cannot read file paths anyway).
KT_WASM_LDFLAGS := $(KT_WASM_OPT) -msimd128 \
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createKinetrackModule \
  -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432 \
  -sFILESYSTEM=0 -sEXIT_RUNTIME=0 \
  -sEXPORTED_FUNCTIONS="$(KT_WASM_EXPORTS_JSON)" \
  -sEXPORTED_RUNTIME_METHODS="['UTF8ToString','stringToUTF8','lengthBytesUTF8']"

# The threaded build (kinetrack-mt.mjs/.wasm/.worker.js): the same C with
# -pthread, linked against pthreadpool's pthreads backend and XNNPACK built
# with -pthread (mk/third_party.mk, KT_THREADS=1). Probed facts behind the
# flags (../shared/spec/threads-webgl-export.md):
#  - pthreads need the worker environment, and Node runs this build too
#    (wasm/mt-node-prelude.js gives the ES module require/__dirname there);
#  - kt_set_threads creates its workers synchronously, before control
#    returns to the event loop, so the worker pool must already hold them:
#    its size is the loader's Module.ktWorkers (threads - 1), and a pool
#    too small is an error (EAGAIN, STRICT=2) instead of a deadlock;
#  - 64 MB initial memory: shared memory growth is slower and each thread
#    needs its stack.
KT_WASM_MT_CFLAGS := $(KT_WASM_CFLAGS) -pthread
KT_WASM_MT_LDFLAGS := $(filter-out -sENVIRONMENT=% -sINITIAL_MEMORY=% -sEXPORT_NAME=%,$(KT_WASM_LDFLAGS)) -pthread \
  -sEXPORT_NAME=createKinetrackMtModule -sENVIRONMENT=web,worker,node -sINITIAL_MEMORY=67108864 \
  -sPTHREAD_POOL_SIZE='Module["ktWorkers"]|0' -sPTHREAD_POOL_SIZE_STRICT=2 \
  --extern-pre-js wasm/mt-node-prelude.js
