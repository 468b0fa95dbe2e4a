"""GPU benchmark tools: the FP64 peak of a device and a static count of FP64 flops in a PTX module.

Used by ``bench_engine.py --backend cuda`` to put the noise kernel's flop rate beside the device's peak.
"""
from __future__ import annotations


def _cuda():
    from heavytail_sim.cuda_engine import _cuda as load

    return load()


def peak_fp64_flops() -> tuple[float, str]:
    """Estimated FP64 peak of the current device in flop/s (non-tensor): SMs x FP64 FMA lanes x 2 x clock.

    FP64 lanes per SM by compute capability are NVIDIA's published figures (data-centre parts: 32 for
    6.0/7.0/8.0, 64 for 9.0/10.0; 2 for consumer parts). Returns (flop/s, how it was computed).
    """
    dev = _cuda().get_current_device()
    cc = tuple(dev.compute_capability)
    lanes = {(6, 0): 32, (7, 0): 32, (8, 0): 32, (9, 0): 64, (10, 0): 64}.get(cc, 2)
    sms = dev.MULTIPROCESSOR_COUNT
    clock_hz = dev.CLOCK_RATE * 1e3  # CLOCK_RATE is in kHz
    return sms * lanes * 2 * clock_hz, f"{sms} SMs x {lanes} FP64 lanes x 2 x {clock_hz / 1e9:.2f} GHz"


def ptx_fp64_flops(ptx: str, skip: tuple = ("slowpath",)) -> int:
    """Static count of FP64 arithmetic (add, sub, mul, div, rcp, sqrt; fma = 2; sign and abs modifiers
    are free) of the kernel in a PTX module: its own
    instructions plus, for every call site, the count of the callee (recursively). Functions whose name
    contains a ``skip`` word (libdevice's rarely taken slow paths, e.g. huge-argument trig reduction)
    count 0. An estimate of the flops per draw when the kernel draws one value: rarely taken special-case
    branches inside libdevice functions are counted as if taken."""
    import re

    header = re.compile(r"\s*(?:\.visible\s+|\.weak\s+)?\.(entry|func)\b(?:\s*\([^)]*\))?\s*(\w+)")
    flop = re.compile(r"\s*(?:@!?%p\d+\s+)?(add|sub|mul|div|fma|rcp|sqrt|rsqrt)\.\S*f64\b")
    own, callees, entries = {}, {}, []
    cur, expect_callee = None, False
    for line in ptx.splitlines():
        mh = header.match(line)
        if mh:
            cur = mh.group(2)
            own.setdefault(cur, 0)
            callees.setdefault(cur, [])
            if mh.group(1) == "entry":
                entries.append(cur)
            continue
        if expect_callee and line.strip():
            callees.setdefault(cur, []).append(line.strip().rstrip(",").strip())
            expect_callee = False
            continue
        if re.match(r"\s*(?:@!?%p\d+\s+)?call(\.uni)?\b", line):
            expect_callee = True  # the callee's name is on the next line
            continue
        mf = flop.match(line)
        if mf:
            own[cur] = own.get(cur, 0) + (2 if mf.group(1) == "fma" else 1)

    def total(name, depth=0):
        if any(w in name for w in skip) or depth > 50:
            return 0
        return own.get(name, 0) + sum(total(c, depth + 1) for c in callees.get(name, []))

    roots = entries or list(own)
    return sum(total(name) for name in roots)
