# kubesim: the two commands that do all set-up on a fresh Debian 12 machine.
#   make demo   install what is missing, build, run the quickstart scenario
#   make test   install what is missing, build, run every test (C++, Python, notebooks) and the
#               policy regression suite (make regression)
# `make` alone builds everything into build/ (the CLI is build/kubesim).

PYTHON ?= /usr/bin/python3
DEBIAN_PACKAGES := build-essential cmake ninja-build libboost-graph-dev libyaml-cpp-dev libeigen3-dev \
  libcli11-dev catch2 pybind11-dev python3-dev python3-pytest python3-numpy python3-pandas \
  python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel python3-distributed \
  nlohmann-json3-dev libbenchmark-dev libjemalloc-dev python3-jsonschema python3-yaml chromium clang-format
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build deps demo test test-cpp test-python regression install asan bench format clean

all: build

# Installs only what is missing; apt-get update runs only when something is.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

build/build.ninja:
	cmake --preset release

build: deps build/build.ninja
	cmake --build --preset release

demo: build
	./build/kubesim run scenarios/quickstart.yaml --out out/quickstart

test: build
	ctest --preset release -j2
	$(MAKE) test-python
	$(MAKE) regression

# Policy regression (docs/compare.md): the committed candidate scheduler configuration against the
# committed baseline over every scenario in scenarios/regression/, 5 seeds each. Exit 1 on a
# regression; build/regression/junit.xml and report.md are for CI's test and comment views.
# Override the policies to try another: make regression CANDIDATE=scenarios/policies/most-allocated.yaml
BASELINE ?= scenarios/policies/default.yaml
CANDIDATE ?= scenarios/policies/candidate.yaml
REGRESSION_SEEDS ?= 5
regression: build
	./build/kubesim compare --baseline $(BASELINE) --candidate $(CANDIDATE) --seeds $(REGRESSION_SEEDS) \
	  --junit build/regression/junit.xml --markdown build/regression/report.md scenarios/regression/*.yaml

# `make test` builds the Python module first (the build target includes it). The tests include
# executing python/notebooks/ headless (nbclient); their plots land in build/notebooks.
test-python:
	cd python && PYTHONPATH=$(CURDIR)/build/python KUBESIM_BINARY=$(CURDIR)/build/kubesim \
	  KUBESIM_NOTEBOOK_OUT=$(CURDIR)/build/notebooks $(PYTHON) -m pytest -q tests

# The CLI into PREFIX/bin and the Python package into PREFIX/lib/python3.X/dist-packages
# (PREFIX: CMAKE_INSTALL_PREFIX, /usr/local by default).
install: build
	$(SUDO) cmake --install build

asan: deps
	cmake --preset asan
	cmake --build --preset asan
	ctest --preset asan -j2

# Applies .clang-format to every tracked C++ file; `make test` fails on a file it would change.
format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

bench: build
	./build/event_queue_bench

clean:
	rm -rf build build-debug build-asan out
