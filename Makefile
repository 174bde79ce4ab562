# Every target creates .venv and installs what it needs, so a fresh clone needs only Python 3.11+.
.DEFAULT_GOAL := demo
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GOSO_TEST_DATA ?= $(abspath ../shared/data)
export GOSO_TEST_DATA
# jsii (under aws-cdk-lib) warns on every run that Node 20, which this machine ships, is past
# its end of life; synthesis works the same.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20

.PHONY: demo test unit integration clean

# Targets of the CDK app, the browser tests and the benchmark live beside this file.
-include mk/*.mk

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[local,test,dashboard,cdk,browser]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/goso demo --out out

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

clean:
	rm -rf $(VENV) out cdk.out .goso .pytest_cache
