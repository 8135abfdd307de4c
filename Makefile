# Shortcuts; the scripts do the work (and install what they need).
.PHONY: bench demo test
bench:
	@scripts/bench.sh
demo:
	@scripts/demo.sh
test:
	@scripts/test.sh
