# exercises.mk — the exercise engine's sources and the generated catalogue
# (exercises/*.json embedded as C strings by tools/gen-exercises.mjs).
#
# The including Makefile adds $(EXERCISE_SRCS) and $(EXERCISE_GEN_SRC) to
# the sources it compiles, natively and for wasm. Both object rules
# (`%.o: %.c`) build the generated file like any other; it lives in build/
# so `make clean` removes it.
EXERCISE_SRCS := $(wildcard src/exercise/*.c src/exercise/reference/*.c)
EXERCISE_GEN_SRC := build/gen/exercise_catalog.c
EXERCISE_DEFS := $(wildcard exercises/*.json)

$(EXERCISE_GEN_SRC): $(EXERCISE_DEFS) tools/gen-exercises.mjs
	@mkdir -p $(dir $@)
	node tools/gen-exercises.mjs exercises $@
