/* json_arena.c — a bump allocator behind cJSON's hooks; see json_arena.h. */
#include "messages/json_arena.h"

#include "cJSON.h"

static kt_json_arena* g_arena;

static void* arena_malloc(size_t n) {
  kt_json_arena* a = g_arena;
  size_t aligned = (n + 15) & ~(size_t)15;
  if (!a || aligned < n || aligned > a->size - a->used) return NULL;
  void* p = a->base + a->used;
  a->used += aligned;
  return p;
}

static void arena_free(void* p) { (void)p; /* released all at once by the next begin */ }

void kt_json_arena_begin(kt_json_arena* arena) {
  arena->used = 0;
  g_arena = arena;
  cJSON_Hooks hooks = {arena_malloc, arena_free};
  cJSON_InitHooks(&hooks);
}

void kt_json_arena_end(void) {
  g_arena = NULL;
  cJSON_InitHooks(NULL);
}
