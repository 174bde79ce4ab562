# Every target creates .venv and installs what it needs, so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GOSO_TEST_DATA ?= $(abspath ../shared/data)
export GOSO_TEST_DATA

.PHONY: demo test unit integration bench synth lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[local,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/goso demo --out out

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

clean:
	rm -rf $(VENV) out cdk.out .goso .pytest_cache
