# The benchmark: batches of 100 and 1,000 applications through the embedded local stack, a
# counted run per risk path, cold imports and the asset size. Writes bench/results.json and
# docs/benchmarks.md. The asset size is read from build/ (`make asset` builds it).
BENCH_ARGS ?= --sizes 100 1000 --in-flight 8

.PHONY: bench

bench: $(STAMP)
	$(BIN)/goso bench $(BENCH_ARGS)
