# Entry points of the study. Every target sets up its own environment first.
#
#   make book      execute every notebook in the full profile (reading the committed records in
#                  results/) and build the HTML book into _build/html
#   make test      data check, unit tests, every notebook in the smoke profile, the book built
#                  with warnings as errors, and a check of the built site (what CI runs)
#   make smoke     every notebook in the smoke profile only (seconds each, no book)
#   make results   recompute every result record of every grid (long; uses a GPU when present)
#   make clean     remove _build/ (executed notebooks, smoke records, the site)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.xmlstudy-installed
# Parallel runs for `make results` (the grids are resumable: finished records are skipped).
JOBS ?= 2

# The book's chapters, in the order of _toc.yml: jupytext notebooks in notebooks/ and the
# executable markdown pages (book/methods, book/rerun, book/summary, book/rules, book/intro).
NOTEBOOKS := book/intro book/methods book/rerun notebooks/data_and_baselines notebooks/dxml notebooks/rankae notebooks/cgmvae notebooks/nnae book/summary book/rules notebooks/synthesis notebooks/scale

# The data mirror beside the repository, unless the caller points elsewhere.
ifndef XMLSTUDY_DATA_DIR
  ifneq ($(wildcard ../shared/data),)
    export XMLSTUDY_DATA_DIR := $(abspath ../shared/data)
  endif
endif
# Progress bars are noise in executed notebooks and CI logs.
export TQDM_DISABLE := 1
# tests/test_site.py checks the built site in headless Chromium: `make test` installs Debian's
# chromium and chromium-driver when the driver is missing (CI runs as root; others need sudo).
CHROMEDRIVER := /usr/bin/chromedriver
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help env book test smoke results clean

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'

# --- environment --------------------------------------------------------------------------------
# torch is installed first with its exact pin: a CPU build is served for it, while an unpinned
# torch would pull the CUDA packages. The stamp makes this a no-op until the pins change.
env: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

# --- the two commands ---------------------------------------------------------------------------
book: env
	$(PY) -m xmlstudy data verify
	$(PY) -m xmlstudy.book execute --profile full $(NOTEBOOKS)
	$(PY) -m xmlstudy.book build

test: env
	$(PY) -m xmlstudy data verify
	$(PY) -m pytest -q --ignore=tests/test_site.py
	$(PY) -m xmlstudy.book execute --profile smoke $(NOTEBOOKS)
	$(PY) -m xmlstudy.book build --strict
	test -x $(CHROMEDRIVER) || { $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium chromium-driver; }
	$(PY) -m pytest -q tests/test_site.py

# --- the rest -----------------------------------------------------------------------------------
smoke: env
	$(PY) -m xmlstudy.book execute --profile smoke $(NOTEBOOKS)

# Each grid runs on Dask: a LocalCluster of JOBS single-threaded workers, or the cluster whose
# scheduler is SCHEDULER (make results SCHEDULER=tcp://host:8786; XMLSTUDY_SCHEDULER works too).
# One BLAS/OpenMP thread per run: JOBS runs side by side on a few cores are many times faster
# than runs whose thread pools fight over the same cores.
results: env
	$(PY) -m xmlstudy data verify
	# The chapters' grids, in the order of their registry (xmlstudy/chapters/__init__.py).
	for paper in $$($(PY) -c 'from xmlstudy.chapters import CHAPTERS; print(*CHAPTERS)'); do \
	  OMP_NUM_THREADS=1 $(PY) -m xmlstudy run --paper $$paper --jobs $(JOBS) \
	    $(if $(SCHEDULER),--scheduler $(SCHEDULER)); done

clean:
	rm -rf _build
