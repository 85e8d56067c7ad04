"""Toxicity classifier backends and the runners that call them off the event loop."""
