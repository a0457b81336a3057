"""A seccomp filter that takes the kernel keyring away from sandboxed processes.

Kernel keys are not confined by mount, PID or IPC namespaces: a key another sandbox can
"view" is a channel between trials, and a uid's persistent keyring outlives the sandbox.
No task needs keys, so `add_key`, `request_key` and `keyctl` fail with EPERM. The filter
is a classic BPF program (the format bwrap's `--seccomp FD` loads), written here rather
than taken from libseccomp so the harness gains no dependency.

Each native architecture has a compat one (i386 on x86_64, arm on aarch64) whose syscall
numbers differ; both are covered, and any other architecture (or the x32 ABI) gets EPERM
for every call, so a process cannot switch ABI to slip past the numbers.
"""

from __future__ import annotations

import errno
import os
import platform
import struct
from functools import cache

# linux/audit.h architecture tokens, and the key syscalls' numbers on each
AUDIT_ARCH = {
    "x86_64": 0xC000003E,
    "i386": 0x40000003,
    "aarch64": 0xC00000B7,
    "arm": 0x40000028,
}
KEY_SYSCALLS = {  # add_key, request_key, keyctl
    "x86_64": (248, 249, 250),
    "i386": (286, 287, 288),
    "aarch64": (217, 218, 219),
    "arm": (309, 310, 311),
}
ABIS = {"x86_64": ("x86_64", "i386"), "aarch64": ("aarch64", "arm")}
X32_BIT = 0x40000000  # x32 syscalls carry this bit under the x86_64 token

# linux/filter.h and linux/seccomp.h
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_RET_K = 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
OFFSET_NR, OFFSET_ARCH = 0, 4  # struct seccomp_data


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def supported() -> bool:
    return platform.machine() in ABIS


@cache
def program(err: int = errno.EPERM) -> bytes:
    """The filter as bytes of struct sock_filter, for the host's architecture."""
    machine = platform.machine()
    if machine not in ABIS:
        raise RuntimeError(f"no keyring seccomp filter for architecture {machine!r}")
    deny = RET_ERRNO | err
    out: list[bytes] = []
    for abi in ABIS[machine]:
        body = [_insn(BPF_LD_W_ABS, 0, 0, OFFSET_NR)]
        if abi == "x86_64":  # any x32 call: deny (nothing here uses that ABI)
            body.append(_insn(BPF_JGE_K, 0, 1, X32_BIT))
            body.append(_insn(BPF_RET_K, 0, 0, deny))
        for number in KEY_SYSCALLS[abi]:
            body.append(_insn(BPF_JEQ_K, 0, 1, number))
            body.append(_insn(BPF_RET_K, 0, 0, deny))
        body.append(_insn(BPF_RET_K, 0, 0, RET_ALLOW))
        # load the architecture; if it is not this ABI, jump over this ABI's block
        out.append(_insn(BPF_LD_W_ABS, 0, 0, OFFSET_ARCH))
        out.append(_insn(BPF_JEQ_K, 0, len(body), AUDIT_ARCH[abi]))
        out.extend(body)
    out.append(_insn(BPF_RET_K, 0, 0, deny))  # an architecture we did not expect
    return b"".join(out)


def memfd(data: bytes, name: str) -> int:
    """An inheritable, rewound in-memory file holding `data` (bwrap reads FDs to EOF)."""
    fd = os.memfd_create(name, 0)  # no MFD_CLOEXEC: the child must inherit it
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
