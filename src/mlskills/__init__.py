"""mlskills: an ML-engineering skill pack for coding agents, and the harness that measures it."""

__version__ = "0.1.0"
