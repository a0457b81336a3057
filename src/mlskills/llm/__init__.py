"""Model access: one Messages API runtime for every caller that talks to a model.

The anthropic agent and the rubric judge are peers that both drive a model through tools;
neither imports the other, and this package knows neither (nor trials, grading, sandboxes).
Trigger evals and the claude-code agent use its prices and prompt rendering.

Module map: settings (model, options, API key) → client (streamed requests; retry: which
failures are retried and how long to wait) → loop (ToolLoop: the turns) with budget
(limits), pricing (dollars), caching (breakpoints); prompts (Jinja2 templates from
prompts/); tools/ (the Toolbox contract the loop calls, tool outcomes, and the text editor
over host roots that both the agent and the judge's viewer use).

Nothing is imported here: importing the SDK is slow, and the CLI loads settings-free parts.
"""
