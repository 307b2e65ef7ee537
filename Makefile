# The two commands of the README: `make run` and `make test`. Everything they need
# (system packages, the virtual env, compiled catalogs) is made on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PO := $(wildcard locales/*/LC_MESSAGES/kiosk.po)
HUB_PO := $(wildcard locales/*/LC_MESSAGES/hub.po)
MO := $(PO:.po=.mo) $(HUB_PO:.po=.mo)

BUNDLE := dist/kiosk/kiosk
# With the bundle: its own checks, and the command-line and sync tests run against it.
BUNDLE_TESTS := tests/test_bundle.py tests/test_cli.py tests/test_sync.py tests/test_import_export.py

.PHONY: run test lint bench bundle bundle-test system-deps test-deps locales extract update-locales schema clean

run: system-deps $(VENV)/installed locales
	$(BIN)/kiosk run --demo --windowed

test: test-deps $(VENV)/installed locales
	$(BIN)/pytest $(PYTEST_ARGS)

# Style and types (configured in pyproject.toml); CI runs it before the tests.
lint: $(VENV)/installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# A onedir PyInstaller bundle an officer copies to a laptop (README: Deployment).
bundle: system-deps $(VENV)/installed locales
	$(BIN)/pyinstaller build/kiosk.spec --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/work
	@du -sh dist/kiosk

bundle-test: bundle
	KIOSK_BUNDLE=$(CURDIR)/$(BUNDLE) $(BIN)/pytest $(BUNDLE_TESTS) $(PYTEST_ARGS)

# Speed and size goals against baselines measured in the same run (README: Performance).
bench: test-deps bundle
	$(BIN)/python -m bench $(BENCH)

system-deps:
	@PYTHON=$(PYTHON) build/system-deps.sh

# The kiosk's packages, and what only the tests and benchmarks use (PostgreSQL, Chromium...).
test-deps:
	@PYTHON=$(PYTHON) build/system-deps.sh test

$(VENV)/installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bundle]'
	touch $@

locales: $(MO)

locales/%/LC_MESSAGES/kiosk.mo: locales/%/LC_MESSAGES/kiosk.po $(VENV)/installed
	$(BIN)/pybabel compile --domain kiosk --input-file $< --output-file $@

# The staff console's own domain, `hub`.
locales/%/LC_MESSAGES/hub.mo: locales/%/LC_MESSAGES/hub.po $(VENV)/installed
	$(BIN)/pybabel compile --domain hub --input-file $< --output-file $@

extract: $(VENV)/installed
	$(BIN)/pybabel extract --no-location --sort-output -k N_ -o locales/kiosk.pot \
		--project "LAPOR! Field Kiosk" --msgid-bugs-address "" kiosk

update-locales: extract
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D kiosk -i locales/kiosk.pot -d locales
	msgen --no-wrap -o locales/en/LC_MESSAGES/kiosk.po locales/en/LC_MESSAGES/kiosk.po
	$(BIN)/pybabel extract --no-location --sort-output -F hub/console/babel.cfg -k N_ -o locales/hub.pot \
		--project "LAPOR! Field Kiosk" --msgid-bugs-address "" .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D hub -i locales/hub.pot -d locales
	msgen --no-wrap -o locales/en/LC_MESSAGES/hub.po locales/en/LC_MESSAGES/hub.po

schema: $(VENV)/installed
	$(BIN)/python -m kiosk.records.schema

clean:
	rm -rf $(VENV) $(MO) .pytest_cache .hypothesis dist build/work
