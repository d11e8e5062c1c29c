/*
 * preprocess.h — MoveNet input preparation and output decoding.
 *
 * kt_movenet_crop_and_resize reproduces, value for value, what TF.js
 * pose-detection feeds MoveNet:
 *   tf.cast(tf.image.cropAndResize(image, [[yMin, xMin, yMax, xMax]], [0],
 *           [outH, outW], 'bilinear', 0), 'int32')
 * with the image being the frame's RGB (alpha dropped), as TF.js's wasm
 * backend computes it: sample positions and blends in float32, then
 * truncated toward zero.
 */
#ifndef KT_POSE_MOVENET_PREPROCESS_H
#define KT_POSE_MOVENET_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "kinetrack.h"
#include "pose/movenet/crop_region.h"
#include "runtime/frame_warp.h"

/* MoveNet SinglePose Lightning's input side. */
#define KT_MOVENET_INPUT_SIZE 192

/* Crops `crop` (normalized to the frame; may extend past it, where the
 * output is 0) out of `rgba` (width*height*4 bytes, rows top to bottom) and
 * resizes it to out_height x out_width x 3 int32 values (HWC, RGB) in the
 * caller's `out`, whose length `out_count` must be exactly that. Reads only
 * the pixels it samples; allocates nothing. */
kt_status kt_movenet_crop_and_resize(const uint8_t* rgba, int32_t width,
                                     int32_t height, const kt_crop_region* crop,
                                     int32_t out_height, int32_t out_width,
                                     int32_t* out, size_t out_count);

/* The same crop and resize as a warp (runtime/frame_warp.h) for a frame
 * held as a GPU texture: positions computed as kt_movenet_crop_and_resize
 * computes them (float32, same order), zero outside the frame, the blend
 * truncated. Same argument checks. */
kt_status kt_movenet_crop_warp(int32_t width, int32_t height, const kt_crop_region* crop,
                               int32_t out_height, int32_t out_width, kt_warp* warp_out);

/* The crop for a still photo: the square centered on the image that covers
 * all of it (the long side; the short side padded with zeros). This is
 * kt_crop_region_init(width, height, 0, ...). */
kt_status kt_movenet_letterbox_crop(int32_t width, int32_t height,
                                    kt_crop_region* crop_out);

/* Maps a point given in the crop's normalized coordinates (what the model
 * outputs) back to the source frame's: x_src = x_min + x * width, and the
 * same for y. */
kt_status kt_movenet_crop_to_source(const kt_crop_region* crop, float y, float x,
                                    float* x_out, float* y_out);

/* Decodes the model's [1,1,17,3] output (y, x, score per keypoint, crop
 * coordinates) into source-normalized keypoints. */
kt_status kt_movenet_decode(const float output[KT_NUM_KEYPOINTS * 3],
                            const kt_crop_region* crop,
                            kt_keypoint keypoints_out[KT_NUM_KEYPOINTS]);

#endif /* KT_POSE_MOVENET_PREPROCESS_H */
