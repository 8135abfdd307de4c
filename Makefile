# Shortcuts; the scripts do the work (and install what they need).
.PHONY: bench bench-desk bench-compare demo test
bench:
	@scripts/bench.sh
demo:
	@scripts/demo.sh
test:
	@scripts/test.sh
# The desk: 100 sheets dropped until all are listed (bench/desk.sh).
bench-desk:
	@bench/desk.sh
# An older commit's release binary beside this one, one run (bench/before-after.sh [COMMIT]).
bench-compare:
	@bench/before-after.sh
