# JIGE Portal. `make run` serves the portal; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= jige-demo-2026
# E-mail links and signed credentials carry SITE_URL: `make run` serves on PORT, so by default
# SITE_URL follows it (an exported SITE_URL, or one in .env, wins).
SITE_URL ?= $(shell sed -n 's/^SITE_URL=//p' .env 2>/dev/null | tail -n 1)
ifeq ($(strip $(SITE_URL)),)
override SITE_URL := http://127.0.0.1:$(PORT)
endif

.PHONY: run test bench lint format messages makemessages worker beat venv clean

$(VENV)/.installed: requirements.txt
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

messages: venv
	$(PY) scripts/compile_messages.py

makemessages: venv
	$(PY) manage.py makemessages -l ja --no-location --ignore=.venv --ignore=node_modules --ignore=.tmp

.env:
	@echo "Writing .env with fresh local secrets (SECRET_KEY, CREDENTIALS_KEY_ENCRYPTION_KEY)"
	@$(PY) -c 'import secrets; print(f"SECRET_KEY={secrets.token_urlsafe(50)}\nCREDENTIALS_KEY_ENCRYPTION_KEY={secrets.token_urlsafe(48)}")' > .env

run: export SITE_URL := $(SITE_URL)
run: venv messages .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo
	@echo "  JIGE Portal on http://127.0.0.1:$(PORT)/ (links in e-mails and credentials: $(SITE_URL))"
	@echo "  Demo sign-ins (password: $(DEMO_PASSWORD)):"
	@echo "    student@demo.jige.example   faculty@demo.jige.example"
	@echo "    staff@demo.jige.example     company@demo.jige.example"
	@echo "    consortium@demo.jige.example"
	@echo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv messages
	scripts/run-tests $(ARGS)

worker: venv
	$(VENV)/bin/celery -A jige_portal worker --loglevel=INFO

beat: venv
	$(VENV)/bin/celery -A jige_portal beat --loglevel=INFO

bench: venv messages
	scripts/bench $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

print-%:
	@echo '$($*)'

clean:
	rm -rf $(VENV) .tmp staticfiles
