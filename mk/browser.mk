# Browser tests drive Debian's Chromium through Playwright; Playwright never downloads a browser.
.PHONY: browser-deps browser

# Installing the package needs root (apt-get).
browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

browser: $(STAMP) browser-deps
	$(BIN)/python -m pytest tests/browser tests/integration/test_presigned_policy.py
