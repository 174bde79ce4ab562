# The benchmark: batches of 100 and 1,000 applications through the embedded local stack, a
# counted run per risk path, cold imports and the asset size. Writes bench/results.json and
# docs/benchmarks.md. It builds the Lambda asset first (`make asset`, cached under build/) so
# the page can state its size.
BENCH_ARGS ?= --sizes 100 1000 --in-flight 8

.PHONY: bench

bench: $(STAMP) asset
	$(BIN)/goso bench $(BENCH_ARGS)
