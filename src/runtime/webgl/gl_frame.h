/* gl_frame.h — the camera or video frame as a texture on the shared
 * context, and the shader that samples a model input out of it
 * (runtime/frame_warp.h), so the frame's pixels never pass through wasm
 * memory (internal to src/runtime/webgl/ and the WebGL module's exports). */
#ifndef KT_RUNTIME_WEBGL_GL_FRAME_H
#define KT_RUNTIME_WEBGL_GL_FRAME_H

#include <stdint.h>

#include "runtime/frame_warp.h"
#include "runtime/webgl/gl_context.h"

/* A texture for frames on the shared context (which a model on the webgl
 * backend created): RGBA8, nearest filtering (complete without mipmaps;
 * the shader reads texels, never filtered samples). invalid_state when no
 * model holds the context; at most 16 live at once. */
kt_status kt_gl_frame_texture_create(uint32_t* texture_out);
void kt_gl_frame_texture_destroy(uint32_t texture);

/* Uploads the host's frame (Module.ktFrameSource: a VideoFrame,
 * ImageBitmap, ImageData, video or canvas element, OffscreenCanvas) into
 * `texture` with the browser's own upload (texImage2D from the source: no
 * copy through wasm memory), row 0 the top, no premultiplication or
 * colour-space conversion. A VideoFrame arrives as displayed: chromium
 * applies its rotation and flip in the upload (probed), so its size is
 * displayWidth x displayHeight. */
kt_status kt_gl_frame_upload(uint32_t texture);

/* Uploads an 8-bit 4:2:0 frame's planes (Module.ktFramePlanes: { data:
 * Uint8Array, planes: [{ offset, stride }] for Y, U, V }, the host's JS
 * buffer, never wasm memory) into R8 textures kept with `texture`; the
 * warp then converts each sample it reads with kt_yuv420_to_rgba's
 * integer arithmetic (image/yuv420_tables.h), so the model sees exactly
 * the bytes the CPU conversion gives. uv_step 1 (I420) or 2 (NV12: U and
 * V are the interleaved plane at two offsets), as kt_yuv420_frame. Until
 * the next upload of either kind, `texture` stands for this frame. */
kt_status kt_gl_frame_upload_yuv(uint32_t texture, int32_t width, int32_t height, int32_t uv_step, kt_yuv_matrix matrix,
                                 int full_range);

/* Draws `warp` of the width x height frame in `texture` into the tensor
 * texture behind `fbo` ([1, warp->out_h, warp->out_w, 3] in the backend's
 * layout, gl_ops.h). */
kt_status kt_gl_frame_warp(uint32_t texture, int32_t width, int32_t height, const kt_warp* warp, GLuint fbo);

/* Compiles the warp's program at load with one fragment drawn into `fbo`
 * (the model input's texture, which every run overwrites). */
kt_status kt_gl_frame_warm(GLuint fbo);

#endif
