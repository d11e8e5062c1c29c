/* shader_elementwise.c — binary ops with numpy broadcasting (Add, Sub,
 * Mul, Div, SquaredDifference, Maximum, Minimum, with a fused clamp) and
 * unary ones (Sigmoid, Relu, Relu6, Sqrt). One program per op: OP is a
 * compile-time constant, so each program holds its own arithmetic only
 * (CPU implementations run every side of a branch, a uniform one
 * included, under lane masks). An operand whose
 * dims are 1 where the output's are not is read at index 0 there; a
 * channel count of 1 broadcasts its one value to the 4 lanes. */
#include <stdio.h>

#include "core/error.h"
#include "runtime/webgl/gl_ops.h"

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQDIFF, OP_MAX, OP_MIN, OP_SIGMOID = 10, OP_RELU, OP_RELU6, OP_SQRT };

static const char kElementwise[] =
    "vec4 operand(sampler2D t, ivec4 d, int n, int h, int w, int s) {\n"
    "  n = d.x == 1 ? 0 : n;\n"
    "  h = d.y == 1 ? 0 : h;\n"
    "  w = d.z == 1 ? 0 : w;\n"
    "  vec4 v = texel(t, tindex(d, n, h, w, d.w == 1 ? 0 : s));\n" /* one fetch, whichever case */
    "  return d.w == 1 ? vec4(v.x) : v;\n"
    "}\n"
    "vec4 compute(int n, int h, int w, int s) {\n"
    "  vec4 a = operand(u_x0, u_d0, n, h, w, s);\n"
    "  const int op = OP;\n"
    "  if (op == 10) return 1.0 / (1.0 + exp(-a));\n"
    "  if (op == 11) return max(a, 0.0);\n"
    "  if (op == 12) return clamp(a, 0.0, 6.0);\n"
    "  if (op == 13) return sqrt(a);\n"
    "  vec4 b = operand(u_x1, u_d1, n, h, w, s);\n"
    "  vec4 r;\n"
    "  if (op == 0) r = a + b;\n"
    "  else if (op == 1) r = a - b;\n"
    "  else if (op == 2) r = a * b;\n"
    "  else if (op == 3) r = a / b;\n"
    "  else if (op == 4) r = (a - b) * (a - b);\n"
    "  else if (op == 5) r = max(a, b);\n"
    "  else r = min(a, b);\n"
    "  return clamp(r, u_f.x, u_f.y);\n"
    "}\n";

kt_status kt_gl_build_elementwise(kt_graph* g, const kt_node* n, kt_gl_pass* pass) {
  int op;
  switch (n->op) {
    case kt_op_add: op = OP_ADD; break;
    case kt_op_sub: op = OP_SUB; break;
    case kt_op_mul: op = OP_MUL; break;
    case kt_op_div: op = OP_DIV; break;
    case kt_op_squared_difference: op = OP_SQDIFF; break;
    case kt_op_maximum: op = OP_MAX; break;
    case kt_op_minimum: op = OP_MIN; break;
    case kt_op_sigmoid: op = OP_SIGMOID; break;
    case kt_op_relu: op = OP_RELU; break;
    case kt_op_relu6: op = OP_RELU6; break;
    case kt_op_sqrt: op = OP_SQRT; break;
    default: return kt_fail(kt_status_unsupported, "webgl: not an elementwise op");
  }
  pass->num_inputs = op >= OP_SIGMOID ? 1 : 2;
  if (n->num_inputs != pass->num_inputs) return kt_status_model_format;
  for (int i = 0; i < pass->num_inputs; i++) pass->inputs[i] = n->inputs[i];
  (void)g;
  char body[sizeof(kElementwise) + 24];
  snprintf(body, sizeof(body), "#define OP %d\n%s", op, kElementwise);
  return kt_gl_program_get(body, &pass->program);
}
