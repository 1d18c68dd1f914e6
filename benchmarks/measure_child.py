"""Run a command and print, after its own output, one JSON line with its peak RSS and CPU time.

    python benchmarks/measure_child.py CMD ARGS...

`ru_maxrss` of RUSAGE_CHILDREN is the largest peak of any process this wrapper has
waited for (the command, and the workers it waited for): one wrapper per
measurement keeps measurements apart. `cpu_s` is the CPU seconds of the same processes: on a
shared machine it moves less than wall time. Exits with the command's exit code.
"""

import json
import resource
import subprocess
import sys

if __name__ == "__main__":
    completed = subprocess.run(sys.argv[1:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.flush()
    # Linux reports ru_maxrss in KiB.
    print(json.dumps({"maxrss_mb": round(usage.ru_maxrss / 1024, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                      "returncode": completed.returncode}), flush=True)
    sys.exit(completed.returncode)
