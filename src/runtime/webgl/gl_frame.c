/* gl_frame.c — the frame texture and the warp shader (gl_frame.h). */
#include "runtime/webgl/gl_frame.h"

#include <emscripten/emscripten.h>

#include "core/error.h"
#include "runtime/webgl/gl_ops.h"

/* The frame's texels are bytes stored normalized: *255 and rounded gives
 * back the exact byte, so the blends below see the integers the CPU paths
 * see. The arithmetic then follows the CPU paths operation by operation
 * (positions, lerps, the cast, the scale), so on a GPU without fused
 * multiply-add the values are the CPU's bit for bit.
 * u_p0 = (frame width, height, rule, flags: 1 replicate, 2 truncate);
 * u_f.xy = (scale, offset); u_g0 = (origin x, y, du x, y); u_g1.xy = dv. */
static const char kWarp[] =
    "uniform vec4 u_g0, u_g1;\n"
    "vec3 px(int x, int y) { return floor(texelFetch(u_x0, ivec2(x, y), 0).rgb * 255.0 + 0.5); }\n"
    "vec3 blend(vec3 tl, vec3 tr, vec3 bl, vec3 br, float lx, float ly) {\n"
    "  vec3 top = tl + (tr - tl) * lx;\n"
    "  vec3 bot = bl + (br - bl) * lx;\n"
    "  return top + (bot - top) * ly;\n"
    "}\n"
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  float x = u_g0.x + float(w) * u_g0.z + float(h) * u_g1.x;\n"
    "  float y = u_g0.y + float(w) * u_g0.w + float(h) * u_g1.y;\n"
    "  ivec2 last = u_p0.xy - 1;\n"
    "  vec3 p = vec3(0.0);\n"
    "  if (u_p0.z == 0) {\n" /* TF's CropAndResize: zero outside [0, size - 1], floor and ceil */
    "    if (x >= 0.0 && x <= float(last.x) && y >= 0.0 && y <= float(last.y)) {\n"
    "      float l = floor(x), t = floor(y);\n"
    "      int r = int(ceil(x)), b = int(ceil(y));\n"
    "      p = blend(px(int(l), int(t)), px(r, int(t)), px(int(l), b), px(r, b), x - l, y - t);\n"
    "    }\n"
    "  } else {\n" /* MediaPipe: the frame spans [-0.5, size - 0.5); neighbours clamped */
    "    bool inside = x >= -0.5 && x < float(u_p0.x) - 0.5 && y >= -0.5 && y < float(u_p0.y) - 0.5;\n"
    "    if (inside || (u_p0.w & 1) != 0) {\n"
    "      x = clamp(x, -1.0, float(u_p0.x));\n"
    "      y = clamp(y, -1.0, float(u_p0.y));\n"
    "      float fx = floor(x), fy = floor(y);\n"
    "      int x0 = clamp(int(fx), 0, last.x), x1 = clamp(int(fx) + 1, 0, last.x);\n"
    "      int y0 = clamp(int(fy), 0, last.y), y1 = clamp(int(fy) + 1, 0, last.y);\n"
    "      p = blend(px(x0, y0), px(x1, y0), px(x0, y1), px(x1, y1), x - fx, y - fy);\n"
    "    }\n"
    "  }\n"
    "  if ((u_p0.w & 2) != 0) p = trunc(p);\n"
    "  return vec4(p * u_f.x + u_f.y, 0.0);\n"
    "}\n";

kt_status kt_gl_frame_texture_create(uint32_t* texture_out) {
  if (!texture_out) return kt_fail(kt_status_invalid_argument, "NULL texture");
  kt_status s = kt_gl_make_current();
  if (s != kt_status_ok) return s;
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  s = kt_gl_check("creating the frame texture");
  if (s != kt_status_ok) {
    glDeleteTextures(1, &tex);
    return s;
  }
  *texture_out = tex;
  return kt_status_ok;
}

void kt_gl_frame_texture_destroy(uint32_t texture) {
  GLuint tex = texture;
  if (tex && kt_gl_make_current() == kt_status_ok) glDeleteTextures(1, &tex);
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
  if (!kt_gl_upload_source(texture))
    return kt_fail(kt_status_invalid_argument, "webgl: no frame to upload, or %u is not a frame texture", (unsigned)texture);
  return kt_gl_check("uploading the frame");
}

/* The warp's draw; `warm_only`: one fragment, so the browser compiles the
 * program at load rather than on the first frame (as gl_backend.c warms
 * the op programs). */
static kt_status draw_warp(uint32_t texture, int32_t width, int32_t height, const kt_warp* warp, GLuint fbo,
                           bool warm_only) {
  const kt_gl_program* pr = NULL;
  kt_status s = kt_gl_program_get(kWarp, &pr);
  if (s != kt_status_ok) return s;
  const int32_t dims[4] = {1, warp->out_h, warp->out_w, 3};
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  if (warm_only)
    glViewport(0, 0, 1, 1);
  else
    glViewport(0, 0, KT_GL_TEX_WIDTH, kt_gl_rows(kt_gl_texels(dims)));
  glUseProgram(pr->program);
  /* The frame on unit 0 and nothing elsewhere: a tensor texture left on a
   * unit may be this pass's target (a feedback loop). */
  for (int u = 0; u <= KT_GL_UNIT_BIAS; u++) {
    glActiveTexture(GL_TEXTURE0 + (GLenum)u);
    glBindTexture(GL_TEXTURE_2D, u == 0 ? texture : 0);
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
  if (!glIsTexture(texture)) return kt_fail(kt_status_invalid_argument, "webgl: %u is not a texture of the backend's context", (unsigned)texture);
  if (width > kt_gl_max_texture_size() || height > kt_gl_max_texture_size())
    return kt_fail(kt_status_invalid_argument, "webgl: a %dx%d frame exceeds this context's textures", (int)width, (int)height);
  return draw_warp(texture, width, height, warp, fbo, false);
}

kt_status kt_gl_frame_warm(GLuint fbo) {
  /* No frame yet: unit 0 empty (texelFetch reads zeros), one fragment. */
  const kt_warp warp = {.out_w = 1, .out_h = 1, .scale = 1.0f};
  return draw_warp(0, 1, 1, &warp, fbo, true);
}
