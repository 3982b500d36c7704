#!/usr/bin/env python3
"""The CLI's incremental builds, A/B: a partner record edited (its `region:` toggled), nothing changed, or a
case's notes edited, then `accredit build --timings` into the last build's folder with its build cache.

  Scripts/benchmark cli-edit [--size 1000x10] [--edits 7] [--edit region|none|note] [--gen /path/to/gen.py]
                             [--base BIN] [--work DIR]

Each binary gets its own copy of the content, output folder and cache (the cache is keyed by the binary), two
builds first, then the edits alternate between the binaries (A B A B). Prints each build's wall and CPU time
(user + sys of the child) and stages, then the medians. The content is `accredit generate-fixture`, or with
`--gen`, the shared generator's, on tmpfs by default.
"""
import argparse, os, re, resource, shutil, subprocess, sys, tempfile, time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("accredit")
    parser.add_argument("--size", default="1000x10")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--edit", choices=["region", "none", "note"], default="region")
    parser.add_argument("--gen", help="the shared content generator (gen.py); default: accredit generate-fixture")
    parser.add_argument("--base", help="another accredit binary, built alternately with this one")
    parser.add_argument("--work", default="/dev/shm")
    args = parser.parse_args()
    partners, cases = (int(n) for n in args.size.split("x"))
    binaries = {"this": os.path.abspath(args.accredit)}
    if args.base:
        binaries["base"] = os.path.abspath(args.base)
    work = tempfile.mkdtemp(prefix="accredit-cli-edit-", dir=args.work)
    try:
        source = os.path.join(work, "src")
        if args.gen:
            subprocess.run(["python3", args.gen, source, "--partners", str(partners), "--cases-per-partner",
                            str(cases), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run([binaries["this"], "generate-fixture", "--partners", str(partners), "--cases",
                            str(cases), "--output", os.path.join(source, "content")], check=True,
                           stdout=subprocess.DEVNULL)
        for name in binaries:
            shutil.copytree(os.path.join(source, "content"), os.path.join(work, name, "content"))
            for _ in range(2):
                build(work, name, binaries[name])
        record = sorted(os.listdir(os.path.join(source, "content", "partners")))[1]
        results = {name: [] for name in binaries}
        for edit in range(args.edits):
            for name, binary in binaries.items():
                change(os.path.join(work, name, "content"), record, args.edit, edit)
                wall, cpu, stages = build(work, name, binary)
                results[name].append((wall, cpu))
                print(f"{name:5} wall {wall * 1000:6.0f} ms  CPU {cpu * 1000:6.0f} ms  {stages}", flush=True)
        for name, runs in results.items():
            walls, cpus = sorted(r[0] for r in runs), sorted(r[1] for r in runs)
            print(f"{name:5} {args.edit} edit, {args.size}, median of {len(runs)}: "
                  f"{walls[len(walls) // 2] * 1000:.0f} ms wall, {cpus[len(cpus) // 2] * 1000:.0f} ms CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def change(content, record, kind, number):
    """Toggles the record's region, appends a line to its partner's first case, or changes nothing."""
    if kind == "region":
        path = os.path.join(content, "partners", record)
        with open(path) as file:
            text = file.read()
        text = re.sub(r"^region: (\w+)", lambda m: "region: " + ("EMEA" if m.group(1) != "EMEA" else "APAC"), text,
                      flags=re.M)
        with open(path, "w") as file:
            file.write(text)
    elif kind == "note":
        folder = os.path.join(content, "cases", os.path.splitext(record)[0])
        with open(os.path.join(folder, sorted(os.listdir(folder))[0]), "a") as file:
            file.write(f"\nEdit {number}.\n")


def build(work, name, binary):
    """One build of `name`'s copy: wall and CPU seconds and the stages `--timings` printed."""
    folder = os.path.join(work, name)
    started, before = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([binary, "build", "--content", folder + "/content", "--output", folder + "/out",
                          "--cache", folder + "/cache", "--as-of", "2026-11-15", "--timings"],
                         capture_output=True, text=True)
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.time() - started
    if run.returncode:
        sys.exit(run.stdout + run.stderr)
    stages = re.search(r"timings: (.*)", run.stdout + run.stderr)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, stages.group(1) if stages else ""


if __name__ == "__main__":
    main()
