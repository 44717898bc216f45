"""Browser tests: Keten as a person sees it, in Debian's Chromium, each page checked with axe-core."""
