"""Browser tests: Playwright + Debian Chromium against the live server (see conftest.py)."""
