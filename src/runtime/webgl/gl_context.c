/* gl_context.c — the shared WebGL2 context and the program cache
 * (gl_context.h). */
#include "runtime/webgl/gl_context.h"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define KT_GL_TARGET "#kinetrack-webgl"
#define KT_GL_MAX_PROGRAMS 64

typedef struct cached_program {
  char* body;
  kt_gl_program p;
} cached_program;

static struct {
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE ctx;
  int refs;
  int max_texture_size;
  GLuint vertex_shader;
  cached_program programs[KT_GL_MAX_PROGRAMS];
  int num_programs;
} g_gl;
/* Counts contexts made (kt_gl_context_generation); kept across destroy. */
static unsigned g_generation;

/* Emscripten 3.1.6 finds a canvas in a worker only through
 * specialHTMLTargets (Module.canvas is ignored there), so the context's
 * canvas is registered under our own target: the one the embedder put in
 * Module.webglCanvas, else a new OffscreenCanvas (workers and pages), else
 * a detached canvas element (pages of browsers without OffscreenCanvas).
 * Returns 0 when no canvas can exist here. */
EM_JS(int, kt_gl_install_canvas, (const char* target), {
  var canvas = Module['webglCanvas'];
  if (!canvas && typeof OffscreenCanvas != 'undefined') canvas = new OffscreenCanvas(1, 1);
  if (!canvas && typeof document != 'undefined') canvas = document.createElement('canvas');
  if (!canvas) return 0;
  specialHTMLTargets[UTF8ToString(target)] = canvas;
  return 1;
});

/* A triangle that covers the viewport, from gl_VertexID alone (no buffers). */
static const char kVertexSource[] =
    "#version 300 es\n"
    "void main() {\n"
    "  vec2 p = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);\n"
    "  gl_Position = vec4(p, 0.0, 1.0);\n"
    "}\n";

/* What every op's fragment shader shares: tensors are RGBA32F textures
 * KT_GL_TEX_WIDTH texels wide holding [N, H, W, ceil(C/4)] texels in
 * order; channels past C are zero (main writes them so, and the shaders
 * rely on it). Each op defines compute(n, h, w, s): output texel s (4
 * channels) at position (n, h, w). */
_Static_assert(KT_GL_TEX_WIDTH == 1 << 10, "the prelude's TEXW and TEXW_SHIFT");
static const char kPrelude[] =
    "#version 300 es\n"
    "precision highp float;\n"
    "precision highp int;\n"
    "precision highp sampler2D;\n"
    "#define TEXW 1024\n"
    "#define TEXW_SHIFT 10\n"
    "uniform sampler2D u_x0, u_x1, u_x2, u_x3, u_x4, u_x5, u_x6, u_x7, u_w, u_b;\n"
    "uniform ivec4 u_dy, u_d0, u_d1, u_d2, u_d3, u_d4, u_d5, u_d6, u_d7;\n"
    "uniform ivec4 u_p0, u_p1, u_p2;\n"
    "uniform vec4 u_f;\n"
    "out vec4 o_color;\n"
    /* Counts are never negative: a shift, not a signed division (which
     * compilers may not reduce, and CPU implementations run per lane). */
    "int slices(int c) { return (c + 3) >> 2; }\n"
    /* Indices are never negative, so a mask and a shift are the modulo and
     * the quotient: GPUs have no integer divider (a division is a
     * sequence of instructions), and this runs for every fetch. */
    "vec4 texel(sampler2D t, int i) { return texelFetch(t, ivec2(i & (TEXW - 1), i >> TEXW_SHIFT), 0); }\n"
    /* The 4 texels from index i (a multiple of 4: one input texel's block of
     * packed weights), which never straddle a row (TEXW is a multiple of 4):
     * one coordinate for the four fetches. */
    "vec4 dot4(vec4 x, sampler2D t, int i) {\n"
    "  ivec2 c = ivec2(i & (TEXW - 1), i >> TEXW_SHIFT);\n"
    "  return x.x * texelFetch(t, c, 0) + x.y * texelFetch(t, c + ivec2(1, 0), 0) +\n"
    "         x.z * texelFetch(t, c + ivec2(2, 0), 0) + x.w * texelFetch(t, c + ivec2(3, 0), 0);\n"
    "}\n"
    "int tindex(ivec4 d, int n, int h, int w, int s) { return ((n * d.y + h) * d.z + w) * slices(d.w) + s; }\n"
    /* a / b and a % b for 0 <= a < 2^22 (tensors are at most 2^21 texels,
     * gl_backend.c) and b > 0, without an integer division (none in
     * hardware: a long instruction sequence on GPUs, run lane by lane on
     * CPU implementations). The float quotient is within 2 of the true one
     * (GLSL ES 3.00: division to 2.5 ulp), so two integer corrections make
     * it exact. */
    "ivec2 divmod(int a, int b) {\n"
    "  int q = int(float(a) / float(b));\n"
    "  int r = a - q * b;\n"
    "  q += int(r >= b) - int(r < 0);\n"
    "  r = a - q * b;\n"
    "  q += int(r >= b) - int(r < 0);\n"
    "  return ivec2(q, a - q * b);\n"
    "}\n"
    "float elem(sampler2D t, ivec4 d, int n, int h, int w, int c) {\n"
    "  return texel(t, tindex(d, n, h, w, c >> 2))[c & 3];\n"
    "}\n"
    "vec4 compute(int n, int h, int w, int s);\n";

static const char kMain[] =
    "void main() {\n"
    "  int i = int(gl_FragCoord.y) * TEXW + int(gl_FragCoord.x);\n"
    "  int S = slices(u_dy.w);\n"
    "  if (i >= u_dy.x * u_dy.y * u_dy.z * S) { o_color = vec4(0.0); return; }\n"
    "  ivec2 ps = divmod(i, S);\n"
    "  ivec2 pw = divmod(ps.x, u_dy.z);\n"
    "  ivec2 nh = divmod(pw.x, u_dy.y);\n"
    "  int s = ps.y;\n"
    "  vec4 v = compute(nh.x, nh.y, pw.y, s);\n"
    "  int c = s * 4;\n"
    "  o_color = vec4(c < u_dy.w ? v.x : 0.0, c + 1 < u_dy.w ? v.y : 0.0, c + 2 < u_dy.w ? v.z : 0.0,\n"
    "                 c + 3 < u_dy.w ? v.w : 0.0);\n"
    "}\n";

static const char* gl_error_name(GLenum e) {
  switch (e) {
    case GL_INVALID_ENUM: return "INVALID_ENUM";
    case GL_INVALID_VALUE: return "INVALID_VALUE";
    case GL_INVALID_OPERATION: return "INVALID_OPERATION";
    case GL_INVALID_FRAMEBUFFER_OPERATION: return "INVALID_FRAMEBUFFER_OPERATION";
    case GL_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    default: return "unknown GL error";
  }
}

kt_status kt_gl_check(const char* what) {
  if (g_gl.ctx && emscripten_is_webgl_context_lost(g_gl.ctx))
    return kt_fail(kt_status_backend_error, "webgl: the WebGL2 context was lost (%s)", what);
  GLenum e = glGetError();
  if (e == GL_NO_ERROR) return kt_status_ok;
  if (e == GL_OUT_OF_MEMORY) return kt_fail(kt_status_out_of_memory, "webgl: %s: GL_OUT_OF_MEMORY", what);
  return kt_fail(kt_status_backend_error, "webgl: %s: GL_%s (0x%x)", what, gl_error_name(e), e);
}

kt_status kt_gl_make_current(void) {
  if (!g_gl.ctx) return kt_fail(kt_status_invalid_state, "webgl: no context");
  if (emscripten_is_webgl_context_lost(g_gl.ctx))
    return kt_fail(kt_status_backend_error, "webgl: the WebGL2 context was lost");
  if (emscripten_webgl_get_current_context() != g_gl.ctx &&
      emscripten_webgl_make_context_current(g_gl.ctx) != EMSCRIPTEN_RESULT_SUCCESS)
    return kt_fail(kt_status_backend_error, "webgl: the WebGL2 context cannot be made current");
  return kt_status_ok;
}

bool kt_gl_context_lost(void) { return g_gl.ctx && emscripten_is_webgl_context_lost(g_gl.ctx); }

int kt_gl_max_texture_size(void) { return g_gl.max_texture_size; }

unsigned kt_gl_context_generation(void) { return g_gl.ctx ? g_generation : 0; }

static kt_status compile_shader(GLenum type, const char* const* parts, int num_parts, GLuint* shader_out) {
  GLuint sh = glCreateShader(type);
  if (!sh) {
    kt_status s = kt_gl_check("glCreateShader");
    return s != kt_status_ok ? s : kt_fail(kt_status_backend_error, "webgl: glCreateShader failed");
  }
  glShaderSource(sh, num_parts, parts, NULL);
  glCompileShader(sh);
  GLint ok = GL_FALSE;
  glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
  if (ok != GL_TRUE) {
    char log[512] = "";
    glGetShaderInfoLog(sh, (GLsizei)sizeof(log), NULL, log);
    glDeleteShader(sh);
    if (emscripten_is_webgl_context_lost(g_gl.ctx))
      return kt_fail(kt_status_backend_error, "webgl: the WebGL2 context was lost while compiling shaders");
    return kt_fail(kt_status_backend_error, "webgl: %s shader does not compile: %s",
                   type == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
  }
  *shader_out = sh;
  return kt_status_ok;
}

static void destroy_context(void) {
  for (int i = 0; i < g_gl.num_programs; i++) {
    glDeleteProgram(g_gl.programs[i].p.program);
    free(g_gl.programs[i].body);
  }
  if (g_gl.vertex_shader) glDeleteShader(g_gl.vertex_shader);
  if (g_gl.ctx) emscripten_webgl_destroy_context(g_gl.ctx);
  memset(&g_gl, 0, sizeof(g_gl));
}

static kt_status create_context(void) {
  if (!kt_gl_install_canvas(KT_GL_TARGET))
    return kt_fail(kt_status_unsupported, "webgl: no canvas here (neither OffscreenCanvas nor a document)");
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = attrs.depth = attrs.stencil = attrs.antialias = EM_FALSE;
  attrs.premultipliedAlpha = attrs.preserveDrawingBuffer = EM_FALSE;
  attrs.enableExtensionsByDefault = EM_FALSE;
  attrs.powerPreference = EM_WEBGL_POWER_PREFERENCE_HIGH_PERFORMANCE;
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE ctx = emscripten_webgl_create_context(KT_GL_TARGET, &attrs);
  if (ctx <= 0) return kt_fail(kt_status_unsupported, "webgl: no WebGL2 context (error %d)", (int)ctx);
  g_gl.ctx = ctx;
  g_generation++;
  if (emscripten_webgl_make_context_current(ctx) != EMSCRIPTEN_RESULT_SUCCESS)
    return kt_fail(kt_status_backend_error, "webgl: the WebGL2 context cannot be made current");
  /* Rendering into RGBA32F needs EXT_color_buffer_float; without it no
   * framebuffer of ours is complete. */
  if (!emscripten_webgl_enable_extension(ctx, "EXT_color_buffer_float"))
    return kt_fail(kt_status_unsupported, "webgl: EXT_color_buffer_float is missing (no float render targets)");
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &g_gl.max_texture_size);
  GLint units = 0;
  glGetIntegerv(GL_MAX_TEXTURE_IMAGE_UNITS, &units);
  if (units < KT_GL_UNIT_BIAS + 1)
    return kt_fail(kt_status_unsupported, "webgl: %d texture units, %d needed", (int)units, KT_GL_UNIT_BIAS + 1);
  if (g_gl.max_texture_size < KT_GL_TEX_WIDTH)
    return kt_fail(kt_status_unsupported, "webgl: textures up to %d texels wide", g_gl.max_texture_size);
  const char* parts[1] = {kVertexSource};
  kt_status s = compile_shader(GL_VERTEX_SHADER, parts, 1, &g_gl.vertex_shader);
  if (s == kt_status_ok) s = kt_gl_check("context setup");
  return s;
}

kt_status kt_gl_acquire(void) {
  if (g_gl.refs > 0) {
    kt_status s = kt_gl_make_current();
    if (s == kt_status_ok) g_gl.refs++;
    return s;
  }
  kt_status s = create_context();
  if (s != kt_status_ok) {
    destroy_context();
    return s;
  }
  g_gl.refs = 1;
  return kt_status_ok;
}

void kt_gl_release(void) {
  if (g_gl.refs <= 0) return;
  if (--g_gl.refs == 0) destroy_context();
}

static void find_locations(kt_gl_program* p) {
  static const char* const kSamplers[KT_GL_UNIT_BIAS + 1] = {"u_x0", "u_x1", "u_x2", "u_x3", "u_x4",
                                                             "u_x5", "u_x6", "u_x7", "u_w",  "u_b"};
  glUseProgram(p->program);
  for (int u = 0; u <= KT_GL_UNIT_BIAS; u++) {
    GLint loc = glGetUniformLocation(p->program, kSamplers[u]);
    if (loc >= 0) glUniform1i(loc, u);
  }
  char name[8];
  for (int i = 0; i < KT_GL_MAX_INPUTS; i++) {
    snprintf(name, sizeof(name), "u_d%d", i);
    p->dims_in[i] = glGetUniformLocation(p->program, name);
  }
  for (int i = 0; i < 3; i++) {
    snprintf(name, sizeof(name), "u_p%d", i);
    p->params[i] = glGetUniformLocation(p->program, name);
  }
  p->dims_out = glGetUniformLocation(p->program, "u_dy");
  p->floats = glGetUniformLocation(p->program, "u_f");
}

kt_status kt_gl_program_get(const char* body, const kt_gl_program** program_out) {
  for (int i = 0; i < g_gl.num_programs; i++)
    if (strcmp(g_gl.programs[i].body, body) == 0) {
      *program_out = &g_gl.programs[i].p;
      return kt_status_ok;
    }
  if (g_gl.num_programs == KT_GL_MAX_PROGRAMS) return kt_fail(kt_status_unsupported, "webgl: too many shader variants");
  cached_program* c = &g_gl.programs[g_gl.num_programs];
  const char* parts[3] = {kPrelude, body, kMain};
  GLuint fs = 0;
  kt_status s = compile_shader(GL_FRAGMENT_SHADER, parts, 3, &fs);
  if (s != kt_status_ok) return s;
  GLuint prog = glCreateProgram();
  glAttachShader(prog, g_gl.vertex_shader);
  glAttachShader(prog, fs);
  glLinkProgram(prog);
  glDeleteShader(fs); /* stays alive while attached */
  GLint ok = GL_FALSE;
  glGetProgramiv(prog, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    char log[512] = "";
    glGetProgramInfoLog(prog, (GLsizei)sizeof(log), NULL, log);
    glDeleteProgram(prog);
    return kt_fail(kt_status_backend_error, "webgl: shader program does not link: %s", log);
  }
  c->body = malloc(strlen(body) + 1);
  if (!c->body) {
    glDeleteProgram(prog);
    return kt_status_out_of_memory;
  }
  strcpy(c->body, body);
  c->p.program = prog;
  find_locations(&c->p);
  g_gl.num_programs++;
  *program_out = &c->p;
  return kt_gl_check("program setup");
}
