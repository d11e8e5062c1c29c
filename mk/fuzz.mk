# mk/fuzz.mk — libFuzzer harnesses (tests/fuzz/), included by the top
# Makefile after it defines KT_NATIVE_SRCS (our C minus the XNNPACK
# backend), NATIVE_CC / NATIVE_CFLAGS (gcc, ASan+UBSan) and NATIVE_OBJS
# (those sources compiled with them).
#
#   make fuzz          build each harness with clang -fsanitize=fuzzer,address,
#                      undefined and fuzz it for FUZZ_SECONDS (default 60, at
#                      most 120) over a writable copy of its corpus; the
#                      harnesses run in parallel under -j. A crash fails the
#                      target and says how to keep it as a regression input.
#   make fuzz-replay   replay tests/fuzz/corpus/<h> and tests/fuzz/regressions/<h>
#                      through each harness built with gcc + NATIVE_CFLAGS (no
#                      libFuzzer), linked against the native tests' objects
#                      (NATIVE_OBJS): fast, for every test run.
#
# Needs Debian's clang and libclang-rt-14-dev (the libFuzzer runtime).
# Longer local runs: call build/fuzz/fuzz_<h> directly (see its -help=1).

FUZZ_HARNESSES := query tfjs_loader definition tflite_loader signature
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_FLAGS ?=
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz

FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
  -fno-sanitize-recover=undefined
FUZZ_INCLUDES := -Isrc -Itests/fuzz -I/usr/include/cjson
FUZZ_LIBS := -lcjson -lm

# Our sources with coverage instrumentation (no libFuzzer main), in their
# own object tree. The replay binaries link the top Makefile's NATIVE_OBJS
# (same gcc and NATIVE_CFLAGS; nothing in src/ includes from tests/); only
# the harness entry files and replay.c are compiled here, under
# $(FUZZ_DIR)/replay-obj, with -Itests/fuzz.
FUZZ_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(KT_NATIVE_SRCS))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_HARNESSES))
FUZZ_REPLAY_BINS := $(addprefix $(FUZZ_DIR)/replay_,$(FUZZ_HARNESSES))
FUZZ_RUNS := $(addprefix fuzz-run-,$(FUZZ_HARNESSES))

# Objects are kept: the including Makefile declares every target
# .SECONDARY (a list here would narrow that to these files only).

.PHONY: fuzz fuzz-build fuzz-replay fuzz-toolchain fuzz-check-seconds $(FUZZ_RUNS)

fuzz: $(FUZZ_RUNS)
fuzz-build: $(FUZZ_BINS)

fuzz-toolchain: | $(DEPS_STAMP)
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzz: $(FUZZ_CC) not found (Debian package: clang)"; exit 1; }
	@rt="$$($(FUZZ_CC) -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$$(uname -m).a"; \
	  [ -f "$$rt" ] || { echo "fuzz: libFuzzer runtime $$rt missing (Debian package: libclang-rt-14-dev)"; exit 1; }

fuzz-check-seconds:
	@case "$(FUZZ_SECONDS)" in ''|*[!0-9]*) echo "fuzz: FUZZ_SECONDS=$(FUZZ_SECONDS) is not a number of seconds"; exit 1;; esac; \
	  if [ "$(FUZZ_SECONDS)" -gt 120 ]; then echo "fuzz: FUZZ_SECONDS=$(FUZZ_SECONDS): at most 120 per harness"; exit 1; fi

$(FUZZ_DIR)/obj/%.o: %.c | fuzz-toolchain
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP $(FUZZ_INCLUDES) -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(FUZZ_LIBS) -o $@

$(FUZZ_DIR)/replay-obj/tests/fuzz/%.o: tests/fuzz/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_CFLAGS) -MMD -MP $(FUZZ_INCLUDES) -c $< -o $@

$(FUZZ_DIR)/replay_%: $(FUZZ_DIR)/replay-obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/replay-obj/tests/fuzz/replay.o \
    $(NATIVE_OBJS)
	$(NATIVE_CC) $(NATIVE_CFLAGS) $^ $(FUZZ_LIBS) -o $@

# One run per harness. The corpus copy in build/fuzz/corpus/<h> keeps what
# earlier runs found; the committed seeds and regressions are copied in
# each time. libFuzzer's output goes to build/fuzz/<h>.log.
$(FUZZ_RUNS): fuzz-run-%: $(FUZZ_DIR)/fuzz_% fuzz-check-seconds
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/crashes/$*
	@find tests/fuzz/corpus/$* tests/fuzz/regressions/$* -maxdepth 1 -type f ! -name '.*' \
	  -exec cp {} $(FUZZ_DIR)/corpus/$*/ \; 2>/dev/null; true
	@echo "fuzz: $* for $(FUZZ_SECONDS) s (log: $(FUZZ_DIR)/$*.log)"
	@log=$(FUZZ_DIR)/$*.log; \
	if $(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
	    -dict=tests/fuzz/$*.dict -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$*/ $(FUZZ_FLAGS) \
	    $(FUZZ_DIR)/corpus/$* >$$log 2>&1; then \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	  eps=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log); \
	  cov=$$(grep -E '^#[0-9]+' $$log | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9/]+[a-zA-Z]*'); \
	  echo "fuzz: $* ok: $$runs runs, $$eps exec/s, $$cov"; \
	else \
	  tail -n 60 $$log; \
	  art=$$(sed -n 's/.*Test unit written to \(.*\)$$/\1/p' $$log | tail -n 1); \
	  echo ""; \
	  echo "fuzz: $* FAILED (full log: $$log)"; \
	  if [ -n "$$art" ]; then \
	    echo "  input:      $$art"; \
	    echo "  reproduce:  $(FUZZ_DIR)/fuzz_$* $$art"; \
	    echo "  minimize:   $(FUZZ_DIR)/fuzz_$* -minimize_crash=1 -max_total_time=60 -exact_artifact_path=tests/fuzz/regressions/$*/NAME $$art"; \
	    echo "  (or keep it as is: cp $$art tests/fuzz/regressions/$*/NAME); make fuzz-replay then runs it every test"; \
	  fi; \
	  exit 1; \
	fi

fuzz-replay: $(FUZZ_REPLAY_BINS)
	@fail=0; for h in $(FUZZ_HARNESSES); do \
	  $(FUZZ_DIR)/replay_$$h tests/fuzz/corpus/$$h tests/fuzz/regressions/$$h || fail=1; \
	done; exit $$fail

-include $(FUZZ_OBJS:.o=.d) \
  $(patsubst %,$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.d,$(FUZZ_HARNESSES)) \
  $(patsubst %,$(FUZZ_DIR)/replay-obj/tests/fuzz/fuzz_%.d,$(FUZZ_HARNESSES)) \
  $(FUZZ_DIR)/replay-obj/tests/fuzz/replay.d
