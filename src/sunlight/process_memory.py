"""What this process holds in address space, as Linux reports it (what RLIMIT_AS limits)."""

from __future__ import annotations


def address_space() -> int:
    """This process's virtual memory size in bytes; 0 where /proc cannot say."""
    return _status("VmSize:")


def peak_address_space() -> int:
    """The most address space the process has held, in bytes; 0 where /proc cannot say."""
    return _status("VmPeak:")


def _status(field: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) << 10
    except OSError:
        pass
    return 0
