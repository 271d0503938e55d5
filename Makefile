# Portail PTN — the commands of the README: `make run`, `make test` and `make serve`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first interpreter >= 3.12 that really runs (pyenv shims answer even when
# the version is not active, so each candidate is executed, not just found).
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	"$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$c"; break; }; done)

export DEBUG ?= 1

.PHONY: run serve test venv demo lint lock messages clean browser-deps html-validator java

# Installs exactly what the lock file says (versions and hashes); `make lock` rewrites it
# from pyproject.toml.
$(STAMP): requirements-dev.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "Erreur : Python 3.12 ou plus récent est requis (python3.13, python3.12…) et introuvable." >&2; \
		echo "Error: Python >= 3.12 is required and none was found on PATH." >&2; exit 1; fi
	@echo "Python : $(PYTHON)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# The portal and its background worker (PDF renders), stopped together with Ctrl+C.
run: demo
	@$(PY) manage.py demo_logins
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000

# Production-like, on this machine: DEBUG off, static files collected (WhiteNoise), migrations
# applied, then gunicorn (workers from the CPU count) and the task worker as separate processes,
# stopped together with Ctrl+C. PostgreSQL when DATABASE_URL says so; 127.0.0.1:8000 unless PORT.
# Plain HTTP on this machine: HTTPS redirection and HSTS are switched off explicitly here
# (production settings turn both on by default).
serve: export DEBUG = 0
serve: venv
	@mkdir -p var
	@if [ -z "$$SECRET_KEY" ] && [ ! -s var/serve-secret-key ]; then \
		$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/serve-secret-key; fi
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/serve-secret-key)}" \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
		SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
		SECURE_HSTS_SECONDS="$${SECURE_HSTS_SECONDS:-0}"; \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py migrate --noinput && \
	{ trap 'kill $$worker $$web 2>/dev/null; wait' EXIT INT TERM; \
	  $(PY) manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	  $(PY) -m gunicorn --config gunicorn.conf.py & web=$$!; \
	  wait -n; }

# The lock files: every package with its hash, for Python 3.12 and later on any platform.
lock: venv
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
		--quiet --output-file requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
		--quiet --extra dev --output-file requirements-dev.lock

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser-deps:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Erreur : les tests de navigateur demandent Chromium (sudo apt-get install chromium)." >&2; exit 1; fi; }

# The HTML validity test runs the Nu HTML Checker (npm vnu-jar, pinned in tests/package-lock.json)
# on Debian's Java runtime.
VNU_JAR := tests/node_modules/vnu-jar/build/dist/vnu.jar
html-validator: java $(VNU_JAR)

java:
	@command -v java >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
		else echo "Erreur : le test de validité HTML demande Java (sudo apt-get install default-jre-headless)." >&2; exit 1; fi; }

$(VNU_JAR): tests/package-lock.json
	@command -v npm >/dev/null || { echo "Erreur : npm est requis pour installer le validateur HTML (vnu-jar)." >&2; exit 1; }
	cd tests && npm ci --silent --no-audit --no-fund
	touch $@

test: venv browser-deps html-validator
	$(PY) -m pytest $(PYTEST_ARGS)

# Style, then the architecture (import-linter's contracts in pyproject.toml: layers, forbidden
# and independent imports), then the dependencies (deptry: imported ones declared, runtime ones used).
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m deptry .

# English is a translation; French is the source language, but it still needs a catalogue for
# its plural rule (0 and 1 take the singular: « 0 changement »), so fr_CA's is the messages
# copied as they are (msgen) with French plural forms.
MAKEMESSAGES := $(PY) manage.py makemessages --no-location -i ".venv/*" -i "tests/*" -i "staticfiles/*"
FR_PO := locale/fr_CA/LC_MESSAGES/django.po
messages: venv
	$(MAKEMESSAGES) -l en
	rm -f $(FR_PO)  # made anew: no fuzzy match may carry an old French text over
	$(MAKEMESSAGES) -l fr_CA
	msgen --no-wrap $(FR_PO) -o $(FR_PO)
	sed -i -e '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' \
		-e 's/^"Language: .*\\n"$$/"Language: fr_CA\\n"/' \
		-e 's/^"Plural-Forms: .*\\n"$$/"Plural-Forms: nplurals=2; plural=(n > 1);\\n"/' $(FR_PO)
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
