# The benchmark: batches of 100 and 1,000 applications through the embedded local stack, a
# counted run per risk path, cold imports and the asset size. Writes bench/results.json and
# docs/benchmarks.md. It synthesizes the template and builds the Lambda asset first (cached
# under build/), so the fixed costs are counted from the current template and the page can
# state the asset's size.
BENCH_ARGS ?= --sizes 100 1000 --in-flight 8

.PHONY: bench

bench: $(STAMP) synth asset
	$(BIN)/goso bench $(BENCH_ARGS)
