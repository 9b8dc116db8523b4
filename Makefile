# kaoping - one plain Makefile. `make run`, `make test`, `make bench`, `make fuzz`.
# Project flags are kept apart from the user's CFLAGS. Dependencies are Debian
# packages, installed (as root) or named (otherwise) by tools/deps.sh.

CC      ?= cc
CFLAGS  ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Recursive (=) on purpose: pkg-config may only exist once deps have run.
KP_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra \
            -Igenerator $(shell pkg-config --cflags lua5.4 sqlite3 libzip expat freexl 2>/dev/null)
KP_LIBS   = $(shell pkg-config --libs lua5.4 sqlite3 libzip expat freexl 2>/dev/null) -lhpdf -lcsv -lunibreak -lxlsxwriter -lz -lm -pthread
# Unit tests read back what they wrote (.xlsx, .docx: zips of XML files); the
# library already links libzip and expat.
TEST_LIBS =

SRCS     := $(sort $(wildcard generator/*.c))
OBJS     := $(SRCS:generator/%.c=build/obj/%.o)
SOBJS    := $(SRCS:generator/%.c=build/san/%.o)
LIBOBJS  := $(filter-out %/main.o,$(SOBJS))
UNITS    := $(sort $(wildcard tests/unit/*_test.c))
UNITBINS := $(UNITS:tests/unit/%.c=build/san/tests/%)

.PHONY: all deps deps-test run test bench fuzz fuzz-smoke clean format city
all: build/kaoping

deps:
	@sh tools/deps.sh build
deps-test:
	@sh tools/deps.sh test

build/kaoping: $(OBJS) | deps
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(KP_LIBS)
build/obj/%.o: generator/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(KP_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The sanitizer build that the tests run: warnings are errors here.
build/san/kaoping: $(SOBJS) | deps
	$(CC) $(SAN) -g -o $@ $(SOBJS) $(KP_LIBS)
build/san/%.o: generator/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(KP_CFLAGS) -Werror -O1 -g $(SAN) -MMD -MP -c -o $@ $<
build/san/tests/%: tests/unit/%.c $(LIBOBJS) | deps
	@mkdir -p $(@D)
	$(CC) $(KP_CFLAGS) -Werror -O1 -g $(SAN) -o $@ $< $(LIBOBJS) $(KP_LIBS) $(TEST_LIBS)

# The sample generator (samples/gen.c): deterministic county and city data.
build/kpgen: samples/gen.c | deps
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -o $@ $< -lz -lm

# kpbook (samples/book.c): CSV files into a workbook's sheets, for the
# tests and the benchmark.
build/kpbook: samples/book.c | deps
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -o $@ $< -lxlsxwriter -lzip -lcsv

# kpbookbench (tests/bench/book_bench.c): times the workbooks render writes,
# apart from the model, for tests/bench_xlsx.sh; the optimised objects.
build/kpbookbench: tests/bench/book_bench.c $(filter-out %/main.o,$(OBJS)) | deps
	$(CC) $(KP_CFLAGS) $(CFLAGS) -o $@ $< $(filter-out %/main.o,$(OBJS)) $(KP_LIBS)

# The builds run one compiler per core; the packages are installed first, by
# one apt-get at a time.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) build/kaoping
	./build/kaoping run

test: deps-test
	@$(MAKE) --no-print-directory -j$(JOBS) build/kaoping build/san/kaoping build/kpgen build/kpbook $(UNITBINS)
	@sh tests/run.sh

city: build/kpgen
	@test -f build/city/events.csv || ./build/kpgen city build/city

bench: deps-test build/kaoping build/kpbook build/kpbookbench city
	@sh tools/deps.sh bench
	@sh tests/bench.sh

fuzz: deps-test
	@sh tests/fuzz.sh 60

format:
	clang-format -i generator/*.c generator/*.h samples/*.c tests/unit/*.c

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(SOBJS:.o=.d)
