# Thin targets: each calls a script in scripts/ that says what it does.
.PHONY: demo test bench sim fuzz lint fmt package package-test

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh

package:
	bash scripts/package.sh

package-test:
	bash scripts/package_test.sh

sim:
	SEEDS="$(SEEDS)" SEED="$(SEED)" DB="$(DB)" bash scripts/sim.sh

fuzz:
	RUNS="$(RUNS)" TARGET="$(TARGET)" bash scripts/fuzz.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
