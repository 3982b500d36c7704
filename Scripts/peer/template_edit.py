"""Times `accredit serve` after a template edit (issue 22): a partial of the case page (the stage stepper),
laid over the built-in templates with --templates, is edited, and the time until the server answers a case
page with the edit is measured. Run it through Scripts/benchmark:

  Scripts/benchmark template-edit [--size 1000x10] [--edits 5]

The content is `accredit generate-fixture --partners P --cases C`, on tmpfs. Prints each edit's time, the
median and the server's log lines (`Built … (N rendered: templates edited) … in M ms`).
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

PARTIAL = "stage-stepper.mustache"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read().decode("utf-8", "replace")
    except OSError:
        return None


def wait_for(url, needle, limit=60):
    """Seconds until `url` answers (with `needle` in its body, when given); None after `limit`."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        body = get(url)
        if body is not None and (needle is None or needle in body):
            return time.perf_counter() - start
        time.sleep(0.005)
    return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("accredit")
    parser.add_argument("--size", default="1000x10")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    partners, cases = (int(n) for n in args.size.split("x"))
    work = tempfile.mkdtemp(prefix="accredit-template-edit-", dir="/dev/shm")
    server = None
    try:
        content, templates = os.path.join(work, "content"), os.path.join(work, "templates")
        subprocess.run([args.accredit, "generate-fixture", "--partners", str(partners), "--cases", str(cases),
                        "--output", content], check=True, stdout=subprocess.DEVNULL)
        os.makedirs(templates)
        shutil.copy(os.path.join(os.path.dirname(__file__), "..", "..", "site-templates", PARTIAL), templates)
        partner = sorted(os.listdir(os.path.join(content, "cases")))[0]
        case = sorted(os.listdir(os.path.join(content, "cases", partner)))[0][:-3]
        port = free_port()
        log = open(os.path.join(work, "serve.log"), "w+")
        server = subprocess.Popen([args.accredit, "serve", "--content", content, "--templates", templates,
                                   "--port", str(port), "--as-of", "2026-11-15"],
                                  cwd=work, stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}/partners/{partner}/cases/{case}/"
        first = wait_for(url, None)
        print(f"{args.size}: first page served after {first:.2f} s")
        time.sleep(1)
        times = []
        for number in range(args.edits):
            marker = f"TEMPLATEEDIT{number}X{os.getpid()}"
            path = os.path.join(templates, PARTIAL)
            text = re.sub(r"<!--TEMPLATEEDIT\w*-->", "", open(path, encoding="utf-8").read())
            with open(path, "w", encoding="utf-8") as partial:
                partial.write(text + f"<!--{marker}-->")
            seconds = wait_for(url, marker)
            if seconds is None:
                raise SystemExit(f"edit {number}: the case page did not show it within 60 s")
            times.append(seconds)
            print(f"  edit {number + 1}: {seconds * 1000:.0f} ms")
            time.sleep(1.5)
        print(f"{args.size}: template edit -> page served, median of {len(times)}: "
              f"{statistics.median(times) * 1000:.0f} ms")
        log.seek(0)
        print("".join(line for line in log if "templates edited" in line), end="")
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
