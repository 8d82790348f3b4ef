# One release build is shared by the mock, the Rust tests, the Python extension and the Node
# addon: every target below reuses target/release instead of building a second profile.

CARGO ?= cargo
PYTHON ?= python3
ROOT := $(CURDIR)
VENV := $(ROOT)/python/.venv
VPY := $(VENV)/bin/python
MOCK := $(ROOT)/target/release/portkey-mock
export PORTKEY_MOCK_BIN := $(MOCK)
DEMO_PORT ?= 8787

.PHONY: all build build-rust build-python build-node test test-rust test-python test-node test-packaging lint demo bench clean

all: build

build: build-rust build-python build-node

# Every target kind is named: `--examples` alone would limit cargo to example targets, and the
# portkey-mock binary that `make demo` starts would then exist only as a side effect of `make test`.
build-rust:
	$(CARGO) build --release -p portkey-mock -p portkey-node -p portkey --lib --bins --examples

$(VENV)/.installed: python/pyproject.toml python/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r python/requirements-dev.txt
	touch $@

build-python: $(VENV)/.installed
	cd python && VIRTUAL_ENV=$(VENV) PATH=$(VENV)/bin:$$PATH maturin develop --release --quiet

node/node_modules/.package-lock.json: node/package.json
	cd node && npm install --no-audit --no-fund --ignore-scripts

build-node: build-rust node/node_modules/.package-lock.json
	cd node && npm run build --silent

test: lint test-rust test-python test-node test-packaging

lint:
	$(CARGO) fmt --all -- --check
	@# Generated descriptors and docs match the spec and codegen/overlay (skips without ../shared,
	@# except under CI=true).
	$(CARGO) xtask codegen --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	@# rustls only: the wheel and the addon must build where no libssl-dev is installed.
	@if $(CARGO) tree --workspace -e normal --prefix none | grep -E '^(openssl|native-tls)'; then \
		echo "OpenSSL crept into the dependency tree" >&2; exit 1; fi

test-rust: build-rust
	$(CARGO) test --release -p portkey -p portkey-mock -p xtask

test-python: build-rust build-python
	cd python && $(VPY) -m pytest -q
	cd python && $(VPY) -m mypy --strict portkey_ai examples tests/typing_usage.py

test-node: build-node
	cd node && npm test
	cd node && npm run typecheck --silent

test-packaging: build-rust build-node
	bash scripts/test-packaging.sh

demo: build
	@bash scripts/demo.sh $(DEMO_PORT)

bench: build
	$(PYTHON) bench/run.py

clean:
	$(CARGO) clean
	rm -rf $(VENV) node/node_modules
