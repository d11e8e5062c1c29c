/* gl_frame.c — the frame texture and the warp shader (gl_frame.h). */
#include "runtime/webgl/gl_frame.h"

#include <emscripten/emscripten.h>

#include "core/error.h"
#include "image/yuv420_tables.h"
#include "runtime/webgl/gl_ops.h"

/* The frame's texels are bytes stored normalized: *255 and rounded gives
 * back the exact byte, so the blends below see the integers the CPU paths
 * see. The arithmetic then follows the CPU paths operation by operation
 * (positions, lerps, the cast, the scale), so on a GPU without fused
 * multiply-add the values are the CPU's bit for bit.
 * u_p0 = (frame width, height, rule, flags: 1 replicate, 2 truncate);
 * u_f.xy = (scale, offset); u_g0 = (origin x, y, du x, y); u_g1.xy = dv.
 * px(x, y), the pixel's bytes, comes first: from an RGBA frame (kWarp) or
 * converted from 4:2:0 planes (kWarpYuv). */
#define KT_WARP_COMPUTE \
    "vec3 blend(vec3 tl, vec3 tr, vec3 bl, vec3 br, float lx, float ly) {\n" \
    "  vec3 top = tl + (tr - tl) * lx;\n" \
    "  vec3 bot = bl + (br - bl) * lx;\n" \
    "  return top + (bot - top) * ly;\n" \
    "}\n" \
    "vec4 compute(int n, int h, int w, int s) {\n" \
    "  float x = u_g0.x + float(w) * u_g0.z + float(h) * u_g1.x;\n" \
    "  float y = u_g0.y + float(w) * u_g0.w + float(h) * u_g1.y;\n" \
    "  ivec2 last = u_p0.xy - 1;\n" \
    "  vec3 p = vec3(0.0);\n" \
    "  if (u_p0.z == 0) {\n" /* TF's CropAndResize: zero outside [0, size - 1], floor and ceil */ \
    "    if (x >= 0.0 && x <= float(last.x) && y >= 0.0 && y <= float(last.y)) {\n" \
    "      float l = floor(x), t = floor(y);\n" \
    "      int r = int(ceil(x)), b = int(ceil(y));\n" \
    "      p = blend(px(int(l), int(t)), px(r, int(t)), px(int(l), b), px(r, b), x - l, y - t);\n" \
    "    }\n" \
    "  } else {\n" /* MediaPipe: the frame spans [-0.5, size - 0.5); neighbours clamped */ \
    "    bool inside = x >= -0.5 && x < float(u_p0.x) - 0.5 && y >= -0.5 && y < float(u_p0.y) - 0.5;\n" \
    "    if (inside || (u_p0.w & 1) != 0) {\n" \
    "      x = clamp(x, -1.0, float(u_p0.x));\n" \
    "      y = clamp(y, -1.0, float(u_p0.y));\n" \
    "      float fx = floor(x), fy = floor(y);\n" \
    "      int x0 = clamp(int(fx), 0, last.x), x1 = clamp(int(fx) + 1, 0, last.x);\n" \
    "      int y0 = clamp(int(fy), 0, last.y), y1 = clamp(int(fy) + 1, 0, last.y);\n" \
    "      p = blend(px(x0, y0), px(x1, y0), px(x0, y1), px(x1, y1), x - fx, y - fy);\n" \
    "    }\n" \
    "  }\n" \
    "  if ((u_p0.w & 2) != 0) p = trunc(p);\n" \
    "  return vec4(p * u_f.x + u_f.y, 0.0);\n" \
    "}\n"

static const char kWarp[] =
    "uniform vec4 u_g0, u_g1;\n"
    "vec3 px(int x, int y) { return floor(texelFetch(u_x0, ivec2(x, y), 0).rgb * 255.0 + 0.5); }\n"
    KT_WARP_COMPUTE;

/* A 4:2:0 frame: Y, U and V as R8 textures on units 0-2 (a chroma sample
 * at (x/2 * uv_step, y/2), as the CPU indexes it) and the conversion's
 * terms as an R32I texture on unit 3 (rows rv, gu, gv, bu), so each pixel
 * is kt_yuv420_to_rgba's integer arithmetic (image/yuv420_tables.h):
 * exactly its bytes. u_p1 = (uv_step, y_scale, y_offset). */
#define KT_YUV_UNIT_TABLES 3
static const char kWarpYuv[] =
    "uniform vec4 u_g0, u_g1;\n"
    "uniform highp isampler2D u_t;\n"
    "int byte_at(sampler2D t, ivec2 c) { return int(texelFetch(t, c, 0).r * 255.0 + 0.5); }\n"
    "int term(int row, int i) { return texelFetch(u_t, ivec2(i, row), 0).r; }\n"
    "float to_u8(int v) { return float(min((max(v, 0) + 32768) >> 16, 255)); }\n"
    "vec3 px(int x, int y) {\n"
    "  ivec2 c = ivec2((x >> 1) * u_p1.x, y >> 1);\n"
    "  int u = byte_at(u_x1, c), v = byte_at(u_x2, c);\n"
    "  int yv = byte_at(u_x0, ivec2(x, y)) * u_p1.y + u_p1.z;\n"
    "  return vec3(to_u8(yv + term(0, v)), to_u8(yv + (term(1, u) + term(2, v))), to_u8(yv + term(3, u)));\n"
    "}\n"
    KT_WARP_COMPUTE;

/* What a frame texture holds. The host fills it either with an RGBA source
 * the browser uploads (kt_gl_frame_upload) or with a 4:2:0 frame's planes
 * (kt_gl_frame_upload_yuv), kept in textures of their own beside it; the
 * warp reads whichever came last. */
#define KT_GL_MAX_FRAMES 16
typedef struct frame_slot {
  unsigned context; /* kt_gl_context_generation it was made in */
  GLuint texture;   /* the frame texture (0: slot free) */
  GLuint planes[3]; /* R8 Y, U, V, made on the first 4:2:0 upload */
  GLuint tables;    /* R32I 256x4, the terms for tables_key */
  int tables_key;   /* matrix * 2 + full_range of the terms uploaded; -1 none */
  bool yuv;         /* the last upload was planes */
  int32_t uv_step, y_scale, y_offset;
} frame_slot;
static frame_slot g_frames[KT_GL_MAX_FRAMES];

/* A slot of an earlier context is free: its names died with it. */
static bool slot_live(const frame_slot* f) { return f->texture && f->context == kt_gl_context_generation(); }

static frame_slot* find_frame(uint32_t texture) {
  for (int i = 0; texture && i < KT_GL_MAX_FRAMES; i++)
    if (slot_live(&g_frames[i]) && g_frames[i].texture == texture) return &g_frames[i];
  return NULL;
}

/* A texture read with texelFetch only: nearest filtering (complete
 * without mipmaps, and required for integer formats), edges clamped. */
static GLuint new_texture(void) {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return tex;
}

kt_status kt_gl_frame_texture_create(uint32_t* texture_out) {
  if (!texture_out) return kt_fail(kt_status_invalid_argument, "NULL texture");
  kt_status s = kt_gl_make_current();
  if (s != kt_status_ok) return s;
  frame_slot* slot = NULL;
  for (int i = 0; i < KT_GL_MAX_FRAMES && !slot; i++)
    if (!slot_live(&g_frames[i])) slot = &g_frames[i];
  if (!slot) return kt_fail(kt_status_unsupported, "webgl: more than %d frame textures", KT_GL_MAX_FRAMES);
  GLuint tex = new_texture();
  s = kt_gl_check("creating the frame texture");
  if (s != kt_status_ok) {
    glDeleteTextures(1, &tex);
    return s;
  }
  *slot = (frame_slot){.context = kt_gl_context_generation(), .texture = tex, .tables_key = -1};
  *texture_out = tex;
  return kt_status_ok;
}

void kt_gl_frame_texture_destroy(uint32_t texture) {
  frame_slot* slot = find_frame(texture);
  /* On a lost context the names are gone with it: only the slot is freed. */
  if (texture && kt_gl_make_current() == kt_status_ok) {
    GLuint tex = texture;
    glDeleteTextures(1, &tex);
    if (slot) {
      glDeleteTextures(3, slot->planes);
      if (slot->tables) glDeleteTextures(1, &slot->tables);
    }
  }
  if (slot) *slot = (frame_slot){0};
}

/* The browser's own upload from the source the host put in
 * Module.ktFrameSource (a JS object cannot cross into C). Returns 0 when
 * there is no source or the texture is not one of this module's; a source
 * the browser refuses (a closed VideoFrame) throws to the host. */
EM_JS(int, kt_gl_upload_source, (GLuint texture), {
  var source = Module['ktFrameSource'];
  var t = GL.textures[texture];
  if (!source || !t || !GLctx) return 0;
  var gl = GLctx;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source);
  return 1;
});

kt_status kt_gl_frame_upload(uint32_t texture) {
  kt_status s = kt_gl_make_current();
  if (s != kt_status_ok) return s;
  frame_slot* slot = find_frame(texture);
  if (!slot || !kt_gl_upload_source(texture))
    return kt_fail(kt_status_invalid_argument, "webgl: no frame to upload, or %u is not a frame texture", (unsigned)texture);
  slot->yuv = false;
  return kt_gl_check("uploading the frame");
}

/* The planes the host put in Module.ktFramePlanes ({ data: Uint8Array,
 * planes: [{ offset, stride }] for Y, U, V }; a JS object cannot cross
 * into C), uploaded straight from that buffer into the R8 textures y, u, v:
 * Y width x height, U and V chroma_w x chroma_h bytes a plane, each row
 * `stride` bytes after the last. Returns 0 when there are no planes. The
 * unpack state is put back as it was (Emscripten's own uploads from wasm
 * memory size their rows by it). */
EM_JS(int, kt_gl_upload_planes, (GLuint y, GLuint u, GLuint v, int width, int height, int chroma_w, int chroma_h), {
  var f = Module['ktFramePlanes'];
  if (!f || !GLctx) return 0;
  var gl = GLctx;
  var names = [y, u, v];
  var align = gl.getParameter(gl.UNPACK_ALIGNMENT), rowLength = gl.getParameter(gl.UNPACK_ROW_LENGTH);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  try {
    for (var i = 0; i < 3; i++) {
      var w = i ? chroma_w : width;
      var h = i ? chroma_h : height;
      gl.pixelStorei(gl.UNPACK_ROW_LENGTH, f.planes[i].stride);
      gl.bindTexture(gl.TEXTURE_2D, GL.textures[names[i]]);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.R8, w, h, 0, gl.RED, gl.UNSIGNED_BYTE, f.data, f.planes[i].offset);
    }
  } finally {
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, rowLength);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, align);
  }
  return 1;
});

kt_status kt_gl_frame_upload_yuv(uint32_t texture, int32_t width, int32_t height, int32_t uv_step, kt_yuv_matrix matrix,
                                 int full_range) {
  kt_status s = kt_gl_make_current();
  if (s != kt_status_ok) return s;
  frame_slot* slot = find_frame(texture);
  if (!slot) return kt_fail(kt_status_invalid_argument, "webgl: %u is not a frame texture", (unsigned)texture);
  if (width < 1 || height < 1 || width > kt_gl_max_texture_size() || height > kt_gl_max_texture_size())
    return kt_fail(kt_status_invalid_argument, "webgl: a %dx%d frame does not fit this context's textures", (int)width, (int)height);
  if (uv_step != 1 && uv_step != 2) return kt_fail(kt_status_invalid_argument, "uv_step %d (1 or 2)", (int)uv_step);
  if ((unsigned)matrix > (unsigned)kt_yuv_bt2020) return kt_fail(kt_status_invalid_argument, "unknown matrix %d", (int)matrix);
  if (full_range != 0 && full_range != 1) return kt_fail(kt_status_invalid_argument, "full_range must be 0 or 1");
  if (!slot->planes[0])
    for (int i = 0; i < 3; i++) slot->planes[i] = new_texture();
  const int key = (int)matrix * 2 + full_range;
  kt_yuv_tables t;
  kt_yuv420_tables(matrix, full_range, &t);
  if (slot->tables_key != key) {
    if (!slot->tables) slot->tables = new_texture();
    int32_t rows[4][256];
    for (int i = 0; i < 256; i++) {
      rows[0][i] = t.rv[i];
      rows[1][i] = t.gu[i];
      rows[2][i] = t.gv[i];
      rows[3][i] = t.bu[i];
    }
    glBindTexture(GL_TEXTURE_2D, slot->tables);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32I, 256, 4, 0, GL_RED_INTEGER, GL_INT, rows);
    s = kt_gl_check("uploading the YUV terms");
    if (s != kt_status_ok) return s;
    slot->tables_key = key;
  }
  /* A chroma row: the last sample's byte and the one before it (NV12's
   * interleaved plane is read from U's and from V's offset alike). */
  const int32_t chroma_w = ((width + 1) / 2 - 1) * uv_step + 1, chroma_h = (height + 1) / 2;
  if (!kt_gl_upload_planes(slot->planes[0], slot->planes[1], slot->planes[2], width, height, chroma_w, chroma_h))
    return kt_fail(kt_status_invalid_argument, "webgl: no planes to upload");
  s = kt_gl_check("uploading the frame's planes");
  if (s != kt_status_ok) return s;
  slot->yuv = true;
  slot->uv_step = uv_step;
  slot->y_scale = t.y_scale;
  slot->y_offset = t.y_offset;
  return kt_status_ok;
}

/* The warp's draw; `warm_only`: one fragment, so the browser compiles the
 * program at load rather than on the first frame (as gl_backend.c warms
 * the op programs). */
static kt_status draw_warp(const frame_slot* frame, int32_t width, int32_t height, const kt_warp* warp, GLuint fbo,
                           bool warm_only, bool yuv) {
  const kt_gl_program* pr = NULL;
  kt_status s = kt_gl_program_get(yuv ? kWarpYuv : kWarp, &pr);
  if (s != kt_status_ok) return s;
  const int32_t dims[4] = {1, warp->out_h, warp->out_w, 3};
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  if (warm_only)
    glViewport(0, 0, 1, 1);
  else
    glViewport(0, 0, KT_GL_TEX_WIDTH, kt_gl_rows(kt_gl_texels(dims)));
  glUseProgram(pr->program);
  /* The frame on unit 0 (its planes and terms on 0-3) and nothing
   * elsewhere: a tensor texture left on a unit may be this pass's target
   * (a feedback loop). */
  GLuint units[KT_GL_UNIT_BIAS + 1] = {0};
  if (frame && yuv) {
    for (int i = 0; i < 3; i++) units[i] = frame->planes[i];
    units[KT_YUV_UNIT_TABLES] = frame->tables;
  } else if (frame) {
    units[0] = frame->texture;
  }
  for (int u = 0; u <= KT_GL_UNIT_BIAS; u++) {
    glActiveTexture(GL_TEXTURE0 + (GLenum)u);
    glBindTexture(GL_TEXTURE_2D, units[u]);
  }
  if (yuv) {
    const int32_t p1[4] = {frame ? frame->uv_step : 1, frame ? frame->y_scale : 0, frame ? frame->y_offset : 0, 0};
    glUniform4iv(pr->params[1], 1, p1);
    glUniform1i(glGetUniformLocation(pr->program, "u_t"), KT_YUV_UNIT_TABLES);
  }
  const int flags = (warp->replicate ? 1 : 0) | (warp->truncate ? 2 : 0);
  const int32_t p0[4] = {width, height, warp->rule == kt_warp_rule_tf_crop ? 0 : 1, flags};
  glUniform4iv(pr->dims_out, 1, dims);
  glUniform4iv(pr->params[0], 1, p0);
  glUniform4f(pr->floats, warp->scale, warp->offset, 0.0f, 0.0f);
  glUniform4f(glGetUniformLocation(pr->program, "u_g0"), warp->origin_x, warp->origin_y, warp->du_x, warp->du_y);
  glUniform4f(glGetUniformLocation(pr->program, "u_g1"), warp->dv_x, warp->dv_y, 0.0f, 0.0f);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  return kt_gl_check(warm_only ? "warming the frame shader" : "sampling the frame");
}

kt_status kt_gl_frame_warp(uint32_t texture, int32_t width, int32_t height, const kt_warp* warp, GLuint fbo) {
  const frame_slot* frame = find_frame(texture);
  if (!frame || !glIsTexture(texture))
    return kt_fail(kt_status_invalid_argument, "webgl: %u is not a frame texture of the backend's context", (unsigned)texture);
  if (width > kt_gl_max_texture_size() || height > kt_gl_max_texture_size())
    return kt_fail(kt_status_invalid_argument, "webgl: a %dx%d frame exceeds this context's textures", (int)width, (int)height);
  return draw_warp(frame, width, height, warp, fbo, false, frame->yuv);
}

kt_status kt_gl_frame_warm(GLuint fbo) {
  /* No frame yet: the units empty (texelFetch reads zeros), one fragment,
   * for each of the two programs. */
  const kt_warp warp = {.out_w = 1, .out_h = 1, .scale = 1.0f};
  kt_status s = draw_warp(NULL, 1, 1, &warp, fbo, true, false);
  return s == kt_status_ok ? draw_warp(NULL, 1, 1, &warp, fbo, true, true) : s;
}
