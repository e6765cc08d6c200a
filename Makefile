# podtalk: two set-up commands. `make run` opens the chat; `make test` runs the suite.
# Both create .venv if missing and install only when pyproject.toml changed (a stamp file).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.podtalk-installed

.PHONY: install index run test eval bench fuzz clean

$(PY):
	$(PYTHON) -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)

# torch first, pinned: the 2.13.0 CPU build is on local disk; unpinned, pip would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(VENV)/bin/podtalk index

run: index
	$(VENV)/bin/podtalk

# one pytest-xdist worker per core (at most 4: each loads the model); TEST_WORKERS=0 runs in one process
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 4 ] && n=4; echo $$n)

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

eval: install
	$(VENV)/bin/podtalk eval --retriever hybrid,dense,lexical

bench: install
	$(PY) eval/bench.py

fuzz: install
	$(PY) -m pip install -q --disable-pip-version-check atheris
	$(PY) eval/fuzz_inspect.py -max_total_time=$${FUZZ_SECONDS:-600}

clean:
	rm -rf $(VENV) build *.egg-info
