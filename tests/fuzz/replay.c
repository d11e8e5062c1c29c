/* replay.c — runs a libFuzzer harness without libFuzzer: every file of
 * the directories (or files) named on the command line goes once through
 * LLVMFuzzerTestOneInput. Built with gcc + ASan/UBSan by `make
 * fuzz-replay` to replay the seed corpus and the regression inputs on
 * every test run. A sanitizer report or a failed invariant aborts; the
 * input being run is named first. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/* From <sanitizer/common_interface_defs.h>; both gcc and clang runtimes
 * provide it when built with -fsanitize=address. */
void __sanitizer_set_death_callback(void (*callback)(void));

static const char* g_current = NULL;

static void say_current(void) {
  if (!g_current) return;
  const char* pre = "\nreplay: crashed on input ";
  if (write(2, pre, strlen(pre)) < 0 || write(2, g_current, strlen(g_current)) < 0 || write(2, "\n", 1) < 0) {
  }
}

/* ASan handles SEGV itself (then the death callback runs); a failed
 * invariant is abort(), which it leaves to us. */
static void on_signal(int sig) {
  say_current();
  signal(sig, SIG_DFL);
  raise(sig);
}

static int g_passed = 0, g_failed = 0;

static void run_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    g_failed++;
    return;
  }
  size_t cap = 1 << 16, len = 0;
  uint8_t* buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t* bigger = realloc(buf, cap *= 2);
      if (!bigger) {
        free(buf);
        buf = NULL;
      }
      buf = bigger;
    }
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "replay: out of memory reading %s\n", path);
    g_failed++;
    return;
  }
  /* An exactly-sized copy, as libFuzzer passes it: over-reads are reports. */
  uint8_t* exact = malloc(len ? len : 1);
  if (len) memcpy(exact, buf, len);
  free(buf);
  g_current = path;
  (void)LLVMFuzzerTestOneInput(exact, len);
  g_current = NULL;
  free(exact);
  g_passed++;
}

static int cmp_str(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void run_path(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0) return; /* a missing directory is an empty one */
  if (!S_ISDIR(st.st_mode)) {
    run_file(path);
    return;
  }
  DIR* d = opendir(path);
  if (!d) {
    fprintf(stderr, "replay: cannot open directory %s\n", path);
    g_failed++;
    return;
  }
  char** names = NULL;
  size_t n = 0, cap = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue; /* ., .., .gitkeep */
    if (n == cap) {
      char** bigger = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
      if (!bigger) break;
      names = bigger;
    }
    size_t l = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(l);
    snprintf(names[n], l, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof(*names), cmp_str); /* a stable order */
  for (size_t i = 0; i < n; i++) {
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) run_file(names[i]);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char** argv) {
  __sanitizer_set_death_callback(say_current);
  signal(SIGABRT, on_signal);
  const char* name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  for (int i = 1; i < argc; i++) run_path(argv[i]);
  printf("%s: %d passed, %d failed\n", name, g_passed, g_failed);
  return g_failed ? 1 : 0;
}
