"""Times `accredit serve` starting from a warm build cache (issue 22): content is generated, the server is
started once to fill the build cache (`.accredit-cache` beside content/), stopped, then started again
`--starts` times; each start is timed from the process starting to the first 200 on `/` (the overview)
and on a partner page. Run it through Scripts/benchmark:

  Scripts/benchmark serve-start [--size 10000x5] [--starts 5] [--gen /path/to/gen.py] [--base BIN]

The content is `accredit generate-fixture --partners P --cases C`, or with `--gen`, the shared generator's
(`gen.py OUT --partners P --cases-per-partner C`), on tmpfs. With `--base`, another accredit binary is
started alternately with the same content and its own cache (A B A B …), for a before/after in one run.
Prints each start's times and the process's CPU time (user + sys, from /proc) when `/` first answered.
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid):
    """User + system time of the process so far, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(binary, work, cache, partner, limit=300):
    """Starts the server in `work`; returns (seconds to /, CPU then, seconds to the partner page, log)."""
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w+")
    # A binary from before serve read the build cache has no --cache.
    help_text = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout
    cache_option = ["--cache", cache] if "--cache" in help_text else []
    began = time.perf_counter()
    server = subprocess.Popen([binary, "serve", "--content", "content", *cache_option, "--port", str(port),
                               "--as-of", "2026-11-15"], cwd=work, stdout=subprocess.DEVNULL, stderr=log)
    try:
        home = page = cpu = None
        while time.perf_counter() - began < limit:
            if home is None and status(f"http://127.0.0.1:{port}/") == 200:
                home = time.perf_counter() - began
                cpu = cpu_seconds(server.pid)
            if home is not None and status(f"http://127.0.0.1:{port}/partners/{partner}/") == 200:
                page = time.perf_counter() - began
                break
            time.sleep(0.005)
        if page is None:
            raise SystemExit(f"{binary}: no partner page within {limit} s")
        # Let the server finish what follows its first build (writing the build cache) before stopping it.
        while "Built " not in open(log.name).read():
            time.sleep(0.05)
        folder = os.path.join(work, cache)
        quiet = 0
        while quiet < 10:
            busy = os.path.isdir(folder) and any(name.endswith(f".{server.pid}.tmp") for name in os.listdir(folder))
            quiet = 0 if busy else quiet + 1
            time.sleep(0.1)
        return home, cpu, page
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("accredit")
    parser.add_argument("--size", default="10000x5")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--gen", help="the shared content generator (gen.py); default: accredit generate-fixture")
    parser.add_argument("--base", help="another accredit binary, started alternately with this one")
    args = parser.parse_args()
    args.accredit = os.path.abspath(args.accredit)
    args.base = args.base and os.path.abspath(args.base)
    partners, cases = (int(n) for n in args.size.split("x"))
    work = tempfile.mkdtemp(prefix="accredit-serve-start-", dir="/dev/shm")
    try:
        content = os.path.join(work, "content")
        if args.gen:
            subprocess.run(["python3", args.gen, work, "--partners", str(partners), "--cases-per-partner",
                            str(cases)], check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run([args.accredit, "generate-fixture", "--partners", str(partners), "--cases", str(cases),
                            "--output", content], check=True, stdout=subprocess.DEVNULL)
        # Dated back, as a checkout is: files changed within 2 s of a stamp are looked at again.
        subprocess.run(["find", content, "-exec", "touch", "-d", "1 hour ago", "{}", "+"], check=True)
        partner = sorted(os.listdir(os.path.join(content, "partners")))[0][: -len(".yaml")]
        binaries = [("accredit", args.accredit, ".accredit-cache")]
        if args.base:
            binaries.append(("base", args.base, ".accredit-cache-base"))
        for name, binary, cache in binaries:
            home, _, page = start(binary, work, cache, partner)
            print(f"{name} {args.size}, cold cache: / after {home:.2f} s, a partner page after {page:.2f} s")
        results = {name: [] for name, _, _ in binaries}
        for number in range(args.starts):
            for name, binary, cache in binaries:
                home, cpu, page = start(binary, work, cache, partner)
                results[name].append((home, cpu, page))
                print(f"  {name} start {number + 1}: / after {home:.2f} s (CPU {cpu:.2f} s), "
                      f"a partner page after {page:.2f} s", flush=True)
        for name, runs in results.items():
            print(f"{name} {args.size}, warm cache, median of {len(runs)}: / after "
                  f"{statistics.median(r[0] for r in runs):.2f} s (CPU {statistics.median(r[1] for r in runs):.2f} s), "
                  f"a partner page after {statistics.median(r[2] for r in runs):.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
