"""Fakes the tests drive real components against (no mocks): see each module's docstring."""
