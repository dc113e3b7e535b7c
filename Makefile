# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PYTEST_ARGS ?=

.PHONY: run test install system-deps node-deps migrate seed serve worker lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Debian packages the portal and its tests use: poppler-utils (pdftotext, to read PDFs back in tests),
# Chromium for the browser tests and HAProxy, the load balancer of the scale-out test (tests/scaleout).
# Installed only when missing, and only where we may (root).
SYSTEM_PACKAGES := poppler-utils chromium chromium-driver haproxy
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (install them with apt-get as root)"; fi; \
	fi

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) services load
	$(FLASK) seed-demo
	$(FLASK) pki init-dev

# The sandbox payment gateway calls the portal back at PUBLIC_URL, so it follows PORT.
run: seed
	PUBLIC_URL=$${PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The production server (gunicorn.conf.py: workers from the CPU count, timeouts, access log) on the same
# embedded default; README "Chạy nhiều máy chủ" for N servers behind nginx or HAProxy.
serve: seed
	PUBLIC_URL=$${PUBLIC_URL:-http://127.0.0.1:$(PORT)} PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py 'portal:create_app()'

worker: install
	$(BIN)/rq worker --with-scheduler --maintenance-interval 60 --worker-ttl 75 \
	  --url "$${REDIS_URL:?set REDIS_URL}" dvc

test: install system-deps node-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core, which the accessibility tests (tests/a11y) inject into each page: exactly the version of
# package-lock.json, installed only when missing. Nothing is built.
node-deps:
	@test -f node_modules/axe-core/axe.min.js || { command -v npm >/dev/null || \
	  { echo "npm is missing: install Node.js with npm (Debian: apt-get install nodejs npm)"; exit 1; }; \
	  npm ci --no-audit --no-fund; }

lint: install
	$(BIN)/flake8 portal services workflows tests config.py bench

bench: install
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/reports.py
	env -u DATABASE_URL $(BIN)/python bench/submit.py
	if [ -n "$$DATABASE_URL" ]; then $(BIN)/python bench/submit.py; fi  # and on PostgreSQL when given
	$(BIN)/python bench/outbox.py  # 10,000 messages through RQ workers, and the outbox's cost on the submit path

clean:
	rm -rf $(VENV) instance .pytest_cache

# The English catalogue: extract the Vietnamese msgids, merge them into portal/translations/en (new ones come
# in with an empty msgstr: tests/i18n fails until they are translated), compile the .mo the app reads.
.PHONY: translations
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --project=dvc-portal \
	  -o portal/translations/messages.pot .
	test -f portal/translations/en/LC_MESSAGES/messages.po || \
	  $(BIN)/pybabel init -i portal/translations/messages.pot -d portal/translations -l en
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -l en \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d portal/translations --statistics
