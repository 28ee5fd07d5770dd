.PHONY: test lint bench pictures

test:
	pytest

lint:
	ruff check cafepol_tui tests benchmarks
	mypy
	lint-imports

bench:
	python benchmarks/bench_kiosk_startup.py
	python benchmarks/bench_flyers.py

pictures:
	python docs/make_pictures.py
