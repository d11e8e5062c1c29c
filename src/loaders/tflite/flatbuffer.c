/* flatbuffer.c — see flatbuffer.h. Offsets are checked with subtraction
 * (`n <= len - pos`) so no sum can wrap around. */
#include "loaders/tflite/flatbuffer.h"

#include <string.h>

static bool fits(const kt_fb* fb, size_t pos, size_t n) { return pos <= fb->len && n <= fb->len - pos; }

static uint32_t rd32(const kt_fb* fb, size_t pos) {
  uint32_t v;
  memcpy(&v, fb->data + pos, 4);
  return v;
}

static uint16_t rd16(const kt_fb* fb, size_t pos) {
  uint16_t v;
  memcpy(&v, fb->data + pos, 2);
  return v;
}

/* The table starting at `pos`: finds and checks its vtable. */
static bool table_at(const kt_fb* fb, size_t pos, kt_fb_table* out) {
  if (!fits(fb, pos, 4)) return false;
  const int64_t vt = (int64_t)pos - (int64_t)(int32_t)rd32(fb, pos);
  if (vt < 0 || !fits(fb, (size_t)vt, 4)) return false;
  const uint16_t vt_bytes = rd16(fb, (size_t)vt), inline_bytes = rd16(fb, (size_t)vt + 2);
  if (vt_bytes < 4 || (vt_bytes & 1) || !fits(fb, (size_t)vt, vt_bytes)) return false;
  if (inline_bytes < 4 || !fits(fb, pos, inline_bytes)) return false;
  *out = (kt_fb_table){fb, pos, (size_t)vt, vt_bytes, inline_bytes};
  return true;
}

/* Follows the uoffset stored at `pos` (relative to itself). */
static bool follow(const kt_fb* fb, size_t pos, size_t* target_out) {
  if (!fits(fb, pos, 4)) return false;
  const uint32_t off = rd32(fb, pos);
  if (off == 0 || off > fb->len - pos) return false;
  *target_out = pos + off;
  return true;
}

bool kt_fb_root(const kt_fb* fb, const char* identifier, kt_fb_table* root_out) {
  if (!fb || !fb->data || !root_out || fb->len < 8) return false;
  if (identifier && memcmp(fb->data + 4, identifier, 4) != 0) return false;
  size_t root;
  return follow(fb, 0, &root) && table_at(fb, root, root_out);
}

/* Position of field `id`'s value (size `n`), or 0 when absent; false when
 * it lies outside the table or the buffer. */
static bool field(const kt_fb_table* t, int id, size_t n, size_t* pos_out) {
  *pos_out = 0;
  if (id < 0) return false;
  const size_t slot = 4 + 2 * (size_t)id;
  if (slot + 2 > t->vt_bytes) return true; /* beyond the vtable: absent */
  const uint16_t off = rd16(t->fb, t->vtable + slot);
  if (off == 0) return true;
  if (off < 4 || (size_t)off + n > t->inline_bytes) return false;
  *pos_out = t->pos + off;
  return true;
}

bool kt_fb_has(const kt_fb_table* t, int id) {
  size_t p;
  return field(t, id, 1, &p) && p != 0;
}

bool kt_fb_u8(const kt_fb_table* t, int id, uint8_t def, uint8_t* out) {
  size_t p;
  if (!field(t, id, 1, &p)) return false;
  *out = p ? t->fb->data[p] : def;
  return true;
}

bool kt_fb_i32(const kt_fb_table* t, int id, int32_t def, int32_t* out) {
  uint32_t v;
  if (!kt_fb_u32(t, id, (uint32_t)def, &v)) return false;
  *out = (int32_t)v;
  return true;
}

bool kt_fb_u32(const kt_fb_table* t, int id, uint32_t def, uint32_t* out) {
  size_t p;
  if (!field(t, id, 4, &p)) return false;
  *out = p ? rd32(t->fb, p) : def;
  return true;
}

bool kt_fb_u64(const kt_fb_table* t, int id, uint64_t def, uint64_t* out) {
  size_t p;
  if (!field(t, id, 8, &p)) return false;
  if (!p) {
    *out = def;
    return true;
  }
  memcpy(out, t->fb->data + p, 8);
  return true;
}

bool kt_fb_table_field(const kt_fb_table* t, int id, kt_fb_table* out, bool* present_out) {
  size_t p, target;
  *present_out = false;
  if (!field(t, id, 4, &p)) return false;
  if (!p) return true;
  if (!follow(t->fb, p, &target) || !table_at(t->fb, target, out)) return false;
  *present_out = true;
  return true;
}

bool kt_fb_vector_field(const kt_fb_table* t, int id, uint32_t elem_bytes, kt_fb_vector* out) {
  size_t p, target;
  *out = (kt_fb_vector){t->fb, 0, 0, elem_bytes};
  if (!field(t, id, 4, &p)) return false;
  if (!p) return true;
  if (!follow(t->fb, p, &target) || !fits(t->fb, target, 4)) return false;
  const uint32_t count = rd32(t->fb, target);
  if (elem_bytes == 0 || count > (t->fb->len - target - 4) / elem_bytes) return false;
  out->pos = target + 4;
  out->count = count;
  return true;
}

bool kt_fb_string(const kt_fb_table* t, int id, const char** s_out, size_t* len_out) {
  kt_fb_vector v;
  if (!kt_fb_vector_field(t, id, 1, &v)) return false;
  if (v.pos == 0) {
    *s_out = "";
    *len_out = 0;
    return true;
  }
  /* The terminating NUL must be inside the buffer too. */
  if (!fits(t->fb, v.pos, (size_t)v.count + 1) || t->fb->data[v.pos + v.count] != 0) return false;
  *s_out = (const char*)t->fb->data + v.pos;
  *len_out = v.count;
  return true;
}

static bool elem(const kt_fb_vector* v, uint32_t i, uint32_t bytes, size_t* pos_out) {
  if (i >= v->count || v->elem_bytes != bytes) return false;
  *pos_out = v->pos + (size_t)i * bytes;
  return true;
}

bool kt_fb_vec_i32(const kt_fb_vector* v, uint32_t i, int32_t* out) {
  size_t p;
  if (!elem(v, i, 4, &p)) return false;
  *out = (int32_t)rd32(v->fb, p);
  return true;
}

bool kt_fb_vec_u16(const kt_fb_vector* v, uint32_t i, uint16_t* out) {
  size_t p;
  if (!elem(v, i, 2, &p)) return false;
  *out = rd16(v->fb, p);
  return true;
}

bool kt_fb_vec_u8(const kt_fb_vector* v, uint32_t i, uint8_t* out) {
  size_t p;
  if (!elem(v, i, 1, &p)) return false;
  *out = v->fb->data[p];
  return true;
}

bool kt_fb_vec_table(const kt_fb_vector* v, uint32_t i, kt_fb_table* out) {
  size_t p, target;
  return elem(v, i, 4, &p) && follow(v->fb, p, &target) && table_at(v->fb, target, out);
}

const uint8_t* kt_fb_vec_bytes(const kt_fb_vector* v) { return v->count ? v->fb->data + v->pos : NULL; }
