# Thin wrapper over Meson/ninja for the familiar entry points.
#   make          build everything into build/
#   make run      build, then start banchi-auth and banchi-resolver on the
#                 bundled examples
#   make test     build and run every test (also once under ASan/UBSan)
#   make fuzz     run each libFuzzer target for FUZZ_SECONDS (clang)
#   make bench    benchmarks (not tests): full mode, writes doc/benchmarks.md;
#                 QUICK=1: quick mode (about 4 min), writes bench/out/
#   make deb      the Debian package, in build-deb/deb/
BUILD ?= build
FUZZ_SECONDS ?= 30
PYTHON ?= /usr/bin/python3
QUICK ?=
BENCH_OUT ?= $(if $(QUICK),bench/out/benchmarks.md,doc/benchmarks.md)
MESON_SETUP = meson setup --reconfigure

.PHONY: all deps build run test test-lint test-unit test-oracle test-integration \
	test-resolver test-dhcp test-differential test-asan test-bench-smoke \
	test-package fuzz bench deb clean

all: build

deps:
	@scripts/install-deps

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	@ninja -C $(BUILD)

run: build
	@scripts/run-example $(BUILD)

test: build
	@$(MAKE) --no-print-directory test-lint test-unit test-oracle test-integration \
		test-resolver test-dhcp test-differential test-package \
		test-bench-smoke BUILD=$(BUILD)
	@$(MAKE) --no-print-directory test-asan

# Static analysis; a finding fails the build like a compiler warning.
test-lint:
	cppcheck --quiet --inline-suppr --error-exitcode=1 \
		--enable=warning,performance,portability --std=c11 -D__GNUC__ \
		-I src --suppress=missingIncludeSystem src cmd fuzz tests/replay
	@echo "cppcheck: 1 passed, 0 failed"
	$(PYTHON) -m pyflakes tests bench scripts/man-from-help
	@echo "pyflakes: 1 passed, 0 failed"

test-unit:
	meson test -C $(BUILD) --print-errorlogs

test-oracle:
	BANCHI_CHECK=$(BUILD)/banchi-check $(PYTHON) -m pytest -q tests/oracle

# banchi-auth on loopback, driven by dnspython, dig and kdig.
test-integration:
	BANCHI_AUTH=$(BUILD)/banchi-auth $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

# banchi-resolver iterating a loopback hierarchy (banchi-auth, NSD and
# fault servers on 127.0.0.10-40 port 53: needs root), then the same
# queries through Unbound. RTEST_PEER=unbound runs the scenarios on Unbound.
test-resolver:
	BANCHI_AUTH=$(BUILD)/banchi-auth BANCHI_RESOLVER=$(BUILD)/banchi-resolver \
		$(PYTHON) -m pytest -q -s -p no:cacheprovider tests/resolver

# banchi-dhcp and the real clients (dhclient, udhcpc, dhcpcd) in network
# namespaces the tests make and delete (needs root; skipped otherwise);
# the leases' names registered in banchi-auth.
test-dhcp:
	BANCHI_DHCP=$(BUILD)/banchi-dhcp BANCHI_AUTH=$(BUILD)/banchi-auth \
		$(PYTHON) -m pytest -q -p no:cacheprovider tests/dhcp

# The same queries to banchi-auth, NSD, Knot and BIND; normalised diff.
# Then banchi-resolver, Unbound and kresd through one hierarchy served by
# all four on 127.0.0.100-160 port 53 (needs root; skipped otherwise).
test-differential:
	BANCHI_AUTH=$(BUILD)/banchi-auth BANCHI_RESOLVER=$(BUILD)/banchi-resolver \
		$(PYTHON) -m pytest -q -s -p no:cacheprovider tests/differential

# The same tests once more with AddressSanitizer and UBSan (but the
# integration tests marked slow: waits, loads and peers, run once above).
test-asan: deps
	@[ -f build-asan/build.ninja ] || meson setup build-asan \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	@ninja -C build-asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		BANCHI_CHECK=build-asan/banchi-check $(PYTHON) -m pytest -q tests/oracle
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		BANCHI_AUTH=build-asan/banchi-auth $(PYTHON) -m pytest -q \
		-p no:cacheprovider -m "not slow" tests/integration
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		BANCHI_AUTH=build-asan/banchi-auth \
		BANCHI_RESOLVER=build-asan/banchi-resolver $(PYTHON) -m pytest -q \
		-p no:cacheprovider -m "not slow" tests/resolver
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		BANCHI_DHCP=build-asan/banchi-dhcp BANCHI_AUTH=build-asan/banchi-auth \
		$(PYTHON) -m pytest -q -p no:cacheprovider -m "not slow" tests/dhcp

fuzz: deps
	@[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link
	@ninja -C build-fuzz fuzzers
	@scripts/run-fuzz build-fuzz $(FUZZ_SECONDS)

# Every server pinned to core 1, dnsperf to core 0; see doc/benchmarks.md.
bench: build
	@$(PYTHON) bench/bench.py --build $(BUILD) $(if $(QUICK),--quick) \
		$(if $(SMOKE),--smoke) --out $(BENCH_OUT)

# `make bench QUICK=1` runs to the end (about 6 minutes with the resolver,
# dynamic update, SQL, signed-zone and metrics/dnstap/reload rows); the
# test runs it with SMOKE=1 (smaller still: bench.py --smoke), output in a
# scratch directory, doc/ left alone.
test-bench-smoke:
	BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider tests/bench

# A release build of its own (build-deb), assembled with dpkg-deb.
deb: deps
	@scripts/make-deb

# make deb's package installed here with dpkg, its daemons started as
# their units start them, then removed and purged (root; skipped when a
# banchi package is installed already).
test-package:
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/package

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-deb
