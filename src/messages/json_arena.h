/* json_arena.h — lets cJSON build per-frame messages inside a fixed arena,
 * so processing a frame allocates nothing (internal).
 *
 * cJSON's allocator hooks are global to the process. That holds with
 * threads too: messages are built only on the thread that calls kinetrack
 * (a thread pool's workers run XNNPACK's kernels, never cJSON), one
 * frame at a time, scoped by begin/end, so the hooks point at the arena
 * only while one frame's messages are being built. A request the arena
 * cannot serve returns NULL, and cJSON reports failure. */
#ifndef KT_MESSAGES_JSON_ARENA_H
#define KT_MESSAGES_JSON_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct kt_json_arena {
  uint8_t* base;
  size_t size, used;
} kt_json_arena;

/* Routes cJSON allocations to `arena` (reset to empty) until _end. */
void kt_json_arena_begin(kt_json_arena* arena);
/* Restores cJSON's default malloc/free. */
void kt_json_arena_end(void);

#endif
