# Shortcuts; the scripts do the work (and install what they need).
.PHONY: bench bench-desk demo test
bench:
	@scripts/bench.sh
demo:
	@scripts/demo.sh
test:
	@scripts/test.sh
# The desk: 100 sheets dropped until all are listed (bench/desk.sh).
bench-desk:
	@bench/desk.sh
