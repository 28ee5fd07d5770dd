.PHONY: test lint bench pictures

test:
	pytest

lint:
	ruff check cafepol_tui tests benchmarks docs tools
	mypy
	lint-imports
	python tools/i18n.py check

bench:
	python benchmarks/bench_kiosk_startup.py
	python benchmarks/bench_flyers.py
	python benchmarks/bench_signup.py

pictures:
	python docs/make_pictures.py
