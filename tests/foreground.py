"""For tests that press Ctrl-C on a child process."""

import signal


def interruptible() -> None:
    """A Popen preexec_fn: SIGINT as a terminal's foreground job has it. A shell's
    background job (`pytest &` in a script) ignores SIGINT and its children inherit that;
    Python then installs no KeyboardInterrupt handler, and a Ctrl-C test would wait for a
    run that never stops."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
