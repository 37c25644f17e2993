# Convenience targets; the two commands that matter are scripts/run and scripts/test.
.PHONY: run test test-unit test-integration test-contract test-e2e lint validate bench

run:
	scripts/run

test:
	scripts/test

test-unit:
	scripts/test -m "not integration and not e2e" services gateway

test-integration:
	scripts/test -m integration services gateway

test-contract:
	scripts/test tests/contract

test-e2e:
	scripts/test tests/e2e

lint:
	.venv/bin/ruff check services gateway tests bench
	.venv/bin/lint-imports

validate:
	bash deploy/validate.sh

bench:
	bench/run
