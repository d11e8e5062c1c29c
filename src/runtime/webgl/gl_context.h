/* gl_context.h — the one WebGL2 context every WebGL model shares, and the
 * shader programs compiled in it (internal to src/runtime/webgl/).
 *
 * Browsers cap live WebGL contexts (about 16 a page), and BlazePose loads
 * two models, so the context is created once, on an OffscreenCanvas of its
 * own (a canvas element where OffscreenCanvas is missing), reference
 * counted, and destroyed with the last model. Programs are cached by
 * source: models that use the same op family share one program. */
#ifndef KT_RUNTIME_WEBGL_GL_CONTEXT_H
#define KT_RUNTIME_WEBGL_GL_CONTEXT_H

#include <GLES3/gl3.h>
#include <stdbool.h>

#include "kinetrack.h"

/* Texels per row of every tensor texture: tensors are laid out linearly
 * (position-major, 4 channels a texel) and wrap at this width, so a
 * reshape that keeps the channel count is the same texture. */
#define KT_GL_TEX_WIDTH 1024

/* Texture units: data inputs 0..7, packed weights 8, bias 9. */
#define KT_GL_MAX_INPUTS 8
#define KT_GL_UNIT_WEIGHTS 8
#define KT_GL_UNIT_BIAS 9

typedef struct kt_gl_program {
  GLuint program;
  /* Uniform locations (-1 where the op's shader has none). */
  GLint dims_out, dims_in[KT_GL_MAX_INPUTS], params[3], floats;
} kt_gl_program;

/* Creates the shared context (or takes another reference) and makes it
 * current. Fails with a reason: no WebGL2, no float render targets. */
kt_status kt_gl_acquire(void);
void kt_gl_release(void);
/* Makes the context current; kt_status_backend_error when it was lost. */
kt_status kt_gl_make_current(void);
/* Whether the context exists and was lost (false with no context). */
bool kt_gl_context_lost(void);
/* The largest texture side this context allows. */
int kt_gl_max_texture_size(void);
/* Which context is alive: a number new with every context made, 0 with
 * none. GL names of an earlier context mean nothing in a later one. */
unsigned kt_gl_context_generation(void);
/* glGetError after `what`; a reason names the GL error. */
kt_status kt_gl_check(const char* what);

/* The program for a fragment shader body (the common prelude and main are
 * added here); compiled once per context. Compile and link errors are
 * backend errors whose reason carries the info log. */
kt_status kt_gl_program_get(const char* body, const kt_gl_program** program_out);

#endif
