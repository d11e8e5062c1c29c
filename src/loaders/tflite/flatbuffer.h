/* flatbuffer.h — a bounds-checked reader of FlatBuffers binary data
 * (internal), enough for the TFLite schema: tables with vtables, scalar
 * fields, offsets to tables, vectors of scalars or tables, strings, unions.
 *
 * Every accessor checks that what it reads lies inside the buffer and
 * reports failure instead of reading past it, so a truncated or hostile
 * file is an error, never a crash. Multi-byte values are read with memcpy
 * (little-endian, as FlatBuffers stores them and wasm/x86 are), so nothing
 * depends on alignment. The reader never allocates. */
#ifndef KT_LOADERS_TFLITE_FLATBUFFER_H
#define KT_LOADERS_TFLITE_FLATBUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kt_fb {
  const uint8_t* data;
  size_t len;
} kt_fb;

/* A table: its position and its vtable's. */
typedef struct kt_fb_table {
  const kt_fb* fb;
  size_t pos;        /* start of the table (its soffset to the vtable) */
  size_t vtable;     /* start of the vtable */
  uint16_t vt_bytes; /* vtable size in bytes, >= 4 */
  uint16_t inline_bytes; /* the table's inline size */
} kt_fb_table;

/* A vector: `count` elements of `elem_bytes` each from `pos`. */
typedef struct kt_fb_vector {
  const kt_fb* fb;
  size_t pos;
  uint32_t count;
  uint32_t elem_bytes;
} kt_fb_vector;

/* The root table; checks the 4-byte file identifier at bytes 4..8 when
 * `identifier` is not NULL. */
bool kt_fb_root(const kt_fb* fb, const char* identifier, kt_fb_table* root_out);

/* Whether field `id` is present in the table. */
bool kt_fb_has(const kt_fb_table* t, int id);

/* Scalar fields; an absent field gives `def`. False when the field lies
 * outside the table or the buffer. */
bool kt_fb_u8(const kt_fb_table* t, int id, uint8_t def, uint8_t* out);
bool kt_fb_i32(const kt_fb_table* t, int id, int32_t def, int32_t* out);
bool kt_fb_u32(const kt_fb_table* t, int id, uint32_t def, uint32_t* out);
bool kt_fb_u64(const kt_fb_table* t, int id, uint64_t def, uint64_t* out);

/* A table-valued field (or a union's value); `*present_out` false (and true
 * returned) when the field is absent. */
bool kt_fb_table_field(const kt_fb_table* t, int id, kt_fb_table* out, bool* present_out);

/* A vector field of `elem_bytes`-wide elements (4 for tables and strings,
 * whose elements are offsets); an absent field is an empty vector. */
bool kt_fb_vector_field(const kt_fb_table* t, int id, uint32_t elem_bytes, kt_fb_vector* out);

/* A string field as a pointer and length (NUL-terminated inside the
 * buffer, as FlatBuffers writes them); absent: "" and 0. */
bool kt_fb_string(const kt_fb_table* t, int id, const char** s_out, size_t* len_out);

/* Elements of a vector. Index checks included. */
bool kt_fb_vec_i32(const kt_fb_vector* v, uint32_t i, int32_t* out);
bool kt_fb_vec_u16(const kt_fb_vector* v, uint32_t i, uint16_t* out);
bool kt_fb_vec_u8(const kt_fb_vector* v, uint32_t i, uint8_t* out);
bool kt_fb_vec_table(const kt_fb_vector* v, uint32_t i, kt_fb_table* out);
/* The raw bytes of a vector (its elements, count * elem_bytes). */
const uint8_t* kt_fb_vec_bytes(const kt_fb_vector* v);

#endif
