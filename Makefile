# Two promises (README): `make run` serves the embedded default, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
# The port of `make run` and `make serve`: `make run PORT=8080` when 8000 is taken.
PORT ?= 8000

.PHONY: install run serve worker beat test lint format bench faults clean client

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# PDF exports embed Noto Sans and, for other scripts, the Noto script and CJK fonts (Debian's
# fonts-noto-core and fonts-noto-cjk), DejaVu Sans for symbols (fonts-dejavu-core); a root
# shell with apt installs them, anywhere else this only says what is missing.
FONTS := /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
	/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
	/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
FONT_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-dejavu-core
$(FONTS):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FONT_PACKAGES) >/dev/null; \
	else echo "PDF export needs $(FONT_PACKAGES) (or EXPORT_FONT_DIR)" >&2; fi

# The TypeScript client (clients/typescript/): Node from the machine (Debian's nodejs and npm,
# installed here in a root shell with apt), its npm packages exactly as package-lock.json pins
# them (npm ci).
CLIENT := clients/typescript
NODE_MODULES := $(CLIENT)/node_modules/.package-lock.json
$(NODE_MODULES): $(CLIENT)/package-lock.json
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else echo "The TypeScript client needs Node.js 18 or later and npm" >&2; exit 1; fi; \
	fi
	cd $(CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NODE_MODULES) | $(FONTS)

# Regenerate the TypeScript client's types from the schema (commit the result; `make test`
# fails while they differ from what the server describes).
client: install
	mkdir -p $(CLIENT)/build
	$(PY) manage.py spectacular --format openapi-json --file $(CLIENT)/build/openapi.json
	cd $(CLIENT) && npm run --silent generate  # openapi-typescript, with the flags it needs

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_defaults --demo-admin
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like: gunicorn with threads (the views wait on vendors, not on the CPU). Four
# processes (4 x DB_POOL_MAX_SIZE 20 stays under PostgreSQL's default 100 connections) of 64
# threads: a keep-alive client stays with the process that accepted it, so a process must
# have threads for more than its even share of them (bench/: at 100 clients 87% of ideal with
# 64 threads, 83% with 32; 6 or 8 processes did worse). The worker (config/serving.py) is
# gthread whose event loop, not its threads, reads each request and lingers on each close:
# slow or lingering clients cannot tie the threads up (README: Deploying).
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput >/dev/null
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 4 --threads 64 \
		--worker-class config.serving.BufferedThreadWorker --timeout 120 --keep-alive 5

worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
	$(VENV)/bin/celery -A config beat --loglevel=INFO

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks (bench/README.md): own PostgreSQL databases and Redis db 13; writes
# BENCHMARKS.md and bench/results.json. QUICK=1: the everyday run, under 3 minutes.
# Valgrind (Debian's valgrind, installed here in a root shell with apt) counts the
# instructions of an AI call, a figure the host's speed does not move (bench/instructions.py).
CALLGRIND := /usr/bin/callgrind_control
$(CALLGRIND):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; \
	else echo "The instruction counts need valgrind" >&2; fi

bench: install | $(CALLGRIND)
	$(PY) -m bench $(if $(QUICK),--quick)

# Fault suite (README: Fault suite): a real server on its own PostgreSQL cluster and
# redis-server, with the vendor doubles and a Celery worker, through each fault; prints the
# table and writes it into BENCHMARKS.md. About 10-15 minutes.
faults: install
	$(PY) -m bench.faults

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
