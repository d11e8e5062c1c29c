/* image.h — a frame as the pose pipelines take it (internal): RGBA bytes
 * in memory, or a texture on the GPU backend's context, which the
 * pipelines' preprocessing samples there (runtime/frame_warp.h) so the
 * frame never enters wasm memory. Either way the same crop, rotation and
 * resize: the pipeline builds them once per frame from its tracking state. */
#ifndef KT_POSE_IMAGE_H
#define KT_POSE_IMAGE_H

#include <stdint.h>

typedef struct kt_image {
  const uint8_t* rgba; /* width * height * 4 bytes, row 0 the top; NULL for a texture */
  uint32_t texture;    /* with rgba NULL: an RGBA8 texture name on the webgl backend's context */
  int32_t width, height;
} kt_image;

#endif
