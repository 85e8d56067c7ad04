"""Load benchmark for Townhall (``make bench``); see docs/scaling.md."""
